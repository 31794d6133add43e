using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Urial.SemanticKernel;

/// <summary>
/// An engine that completes prompts on serving engines over HTTP — llama.cpp's <c>llama-server</c>, vLLM, or any OpenAI-compatible
/// completions server — with prefix-aware routing across replicas of the same model.
/// </summary>
/// <remarks>
/// Requests of one conversation go to the replica that already caches its prefix; a replica that fails before an answer starts
/// is retried, then failed over; an answer that has started is never repeated. The servers' hazards are guarded on this side:
/// prompts are counted with the server's tokenizer and never silently truncated, grammars are checked before they are sent,
/// lazy grammars are never sent, and control-token text in a prompt stays text. On a server that cannot constrain output (plain
/// OpenAI completions) an answer under a grammar is validated after decoding and repaired once, or the request fails.
/// This type is thread-safe.
/// </remarks>
public sealed partial class UrialRemoteEngine : IUrialEngine
{
    private readonly RemoteSettings _settings;
    private readonly Replica[] _replicas;
    private readonly PrefixAffinityRouter _router;
    private readonly IHttpClientFactory _httpClients;
    private readonly string _clientName;
    private readonly ServiceProvider? _ownedServices;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdown = new();
    private int _disposed;
    private int _inFlight;
    private int _faultCount;

    /// <summary>Initializes a new instance of the <see cref="UrialRemoteEngine"/> class with its own resilient HTTP clients. Nothing is sent until <see cref="WarmUpAsync"/> or the first request.</summary>
    /// <param name="options">The servers and settings; copied, then never read again.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message lists each problem.</exception>
    public UrialRemoteEngine(UrialRemoteEngineOptions options, ILoggerFactory? loggerFactory = null)
        : this(Settings(options), null, RemoteHttpClients.NamePrefix, loggerFactory)
    {
    }

    /// <summary>Initializes a new instance over clients from an application's <see cref="IHttpClientFactory"/> (registered by <see cref="RemoteHttpClients.Add"/>).</summary>
    internal UrialRemoteEngine(RemoteSettings settings, IHttpClientFactory? httpClients, string clientName, ILoggerFactory? loggerFactory)
    {
        _settings = settings;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<UrialRemoteEngine>();
        _replicas = [.. settings.Endpoints.Select((endpoint, index) => new Replica(endpoint, index))];
        _router = new PrefixAffinityRouter(_replicas, settings.PrefixAffinity, settings.AffinityLoadFactor);
        _clientName = clientName;
        if (httpClients is null)
        {
            // Standalone use: a private container holds the factory and its resilience pipelines.
            var services = new ServiceCollection();
            services.AddSingleton(loggerFactory ?? NullLoggerFactory.Instance);
            services.AddLogging();
            RemoteHttpClients.Add(services, clientName, _ => settings);
            var provider = services.BuildServiceProvider();
            _ownedServices = provider;
            httpClients = provider.GetRequiredService<IHttpClientFactory>();
        }

        _httpClients = httpClients;
    }

    /// <inheritdoc/>
    /// <remarks>The configured model, else the one the servers listed at warm-up, else the first endpoint's host and port.</remarks>
    public string ModelId => _settings.Model ?? _replicas.Select(r => r.Info?.Model).FirstOrDefault(m => m is not null) ?? _replicas[0].Endpoint.Root.Authority;

    /// <inheritdoc/>
    /// <remarks>The configured size, else the smallest the replicas reported at warm-up (llama.cpp's per-slot <c>n_ctx</c>, vLLM's <c>max_model_len</c>).</remarks>
    public int ContextSize => _settings.ContextSize
        ?? _replicas.Select(r => r.Info?.ContextSize).Where(c => c is not null).Min()
        ?? throw new InvalidOperationException("The remote engine learns its context size from the servers when it warms up: await WarmUpAsync first, or set ContextSize.");

    /// <summary>Gets the replicas' addresses, in configuration order.</summary>
    public IReadOnlyList<Uri> Endpoints => [.. _settings.Endpoints.Select(e => e.Address)];

    /// <inheritdoc/>
    public async ValueTask<int> CountTokensAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await WarmUpAsync(cancellationToken).ConfigureAwait(false);
        CheckLength(text.Length);
        Exception? failure = null;
        foreach (var replica in _router.Order(text))
        {
            try
            {
                var (http, info, dialect) = await ConnectAsync(replica, cancellationToken).ConfigureAwait(false);
                var prompt = ControlTokenGuard.Neutralize(text, info.ControlTokenTexts);
                var tokens = await dialect.TokenizeAsync(http, prompt, cancellationToken).ConfigureAwait(false);
                return tokens?.Length ?? UpperBoundTokens(prompt);
            }
            catch (UrialRemoteEngineException ex) when (IsFailover(ex))
            {
                failure = ex;
            }
        }

        throw failure!;
    }

    /// <summary>Stops the engine: requests in flight end with <see cref="ObjectDisposedException"/> and their HTTP streams are aborted.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Stops the engine: requests in flight end with <see cref="ObjectDisposedException"/> and their HTTP streams are aborted.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _shutdown.Cancel();
        _ownedServices?.Dispose();
    }

    private static RemoteSettings Settings(UrialRemoteEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RemoteSettings(options);
    }

    /// <summary>A token never covers less than one UTF-8 byte, and a server adds at most a BOS and a leading space: an upper bound for servers without a tokenizer endpoint.</summary>
    private static int UpperBoundTokens(string text) => System.Text.Encoding.UTF8.GetByteCount(text) + 2;

    /// <summary>Refuses text far longer than any context before it is sent anywhere.</summary>
    private void CheckLength(int characters)
    {
        var context = ContextSize;
        if (characters > (long)context * 64)
        {
            throw new UrialContextLengthExceededException($"The text has {characters} characters, far more than a context of {context} tokens can hold; it was not sent. Shorten it.");
        }
    }
}
