using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>A fault a <see cref="FaultProxy"/> injects into one completion request.</summary>
public enum ProxyFault
{
    /// <summary>Forward untouched.</summary>
    None,

    /// <summary>Answer 503 with a JSON error, as a loading or overloaded server does.</summary>
    ServiceUnavailable,

    /// <summary>Reset the connection before any response.</summary>
    ResetBeforeResponse,

    /// <summary>Send nothing until the client gives up on the attempt.</summary>
    SlowFirstByte,

    /// <summary>Forward some events, then reset the connection.</summary>
    ResetMidStream,

    /// <summary>Forward some events, then end the response normally without the final chunk.</summary>
    TruncateStream,

    /// <summary>Forward some events, then send a chunk that is not JSON.</summary>
    MalformedJson,

    /// <summary>Forward some events, then kill the server process by its id.</summary>
    KillServer,
}

/// <summary>
/// A loopback Kestrel proxy in front of a real llama-server that injects one planned fault per completion request and records
/// what the client sent. Other paths (<c>/props</c>, <c>/tokenize</c>) pass through untouched.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly HttpClient _upstream = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ConcurrentQueue<ProxyFault> _plan = new();
    private readonly LlamaServer _server;

    private WebApplication _app = null!;

    private FaultProxy(LlamaServer server)
    {
        _server = server;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Gets how many events a mid-stream fault lets through first.</summary>
    public int EventsBeforeFault { get; set; } = 3;

    /// <summary>Gets or sets a task a mid-stream fault waits for after its events went out (the test completes it once the caller has read text), or <see langword="null"/>.</summary>
    public Task? FaultGate { get; set; }

    /// <summary>Gets every request the client sent: path, body, and its Authorization header.</summary>
    public ConcurrentQueue<(string Path, string Body, string? Authorization)> Requests { get; } = new();

    /// <summary>Gets how many completion requests arrived.</summary>
    public int CompletionRequests => Requests.Count(r => IsCompletion(r.Path));

    public static async Task<FaultProxy> StartAsync(LlamaServer server)
    {
        var proxy = new FaultProxy(server);
        (proxy._app, proxy.Address) = await LoopbackApp.StartAsync(app => app.Run(proxy.HandleAsync));
        return proxy;
    }

    /// <summary>Plans the faults of the next completion requests, in order; later ones pass untouched.</summary>
    public void Plan(params ProxyFault[] faults)
    {
        foreach (var fault in faults)
        {
            _plan.Enqueue(fault);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await LoopbackApp.StopAsync(_app);
        _upstream.Dispose();
    }

    private static bool IsCompletion(string path) => path.EndsWith("completion", StringComparison.Ordinal) || path.EndsWith("completions", StringComparison.Ordinal);

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!.TrimStart('/');
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        Requests.Enqueue((path, body, context.Request.Headers.Authorization.FirstOrDefault()));
        var fault = IsCompletion(path) && _plan.TryDequeue(out var planned) ? planned : ProxyFault.None;
        switch (fault)
        {
            case ProxyFault.ServiceUnavailable:
                context.Response.StatusCode = 503;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}""");
                return;
            case ProxyFault.ResetBeforeResponse:
                context.Abort();
                return;
            case ProxyFault.SlowFirstByte:
                // Hold the request until the client's attempt timeout gives up on it: no clock decides the outcome.
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_server.Address, path + context.Request.QueryString));
        if (context.Request.Method != "GET")
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        await context.Response.StartAsync(context.RequestAborted); // headers now, as llama-server sends them, not with the first token
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await using var upstream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        if (fault == ProxyFault.None)
        {
            await upstream.CopyToAsync(context.Response.Body, context.RequestAborted);
            return;
        }

        await ForwardEventsThenFailAsync(context, upstream, fault);
    }

    private async Task ForwardEventsThenFailAsync(HttpContext context, Stream upstream, ProxyFault fault)
    {
        using var events = new StreamReader(upstream);
        var forwarded = 0;
        while (forwarded < EventsBeforeFault && await events.ReadLineAsync(context.RequestAborted) is { } line)
        {
            await context.Response.WriteAsync(line + "\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            forwarded += line.StartsWith("data:", StringComparison.Ordinal) ? 1 : 0;
        }

        if (FaultGate is { } gate)
        {
            await gate.WaitAsync(context.RequestAborted);
        }

        switch (fault)
        {
            case ProxyFault.ResetMidStream:
                context.Abort();
                break;
            case ProxyFault.MalformedJson:
                await context.Response.WriteAsync("data: {\"content\": \"unterminated\n\n", context.RequestAborted);
                break;
            case ProxyFault.KillServer:
                await _server.KillAsync();
                try
                {
                    await upstream.CopyToAsync(context.Response.Body, context.RequestAborted); // whatever the dying server still sent
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    context.Abort();
                }

                break;
            case ProxyFault.TruncateStream:
                break; // end the response normally: the final chunk never comes
        }
    }
}
