using System.Net;
using System.Net.Sockets;

namespace Urial.AgentConsole.Tests.Models;

/// <summary>Serves one byte array over HTTP on 127.0.0.1, so download tests never leave the machine.</summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public LoopbackFileServer(byte[] content)
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/stories260K.gguf";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = ServeAsync(content);
    }

    public string Url { get; }

    public int Requests { get; private set; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // Stopping the listener ends the pending GetContextAsync this way.
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task ServeAsync(byte[] content)
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            Requests++;
            context.Response.ContentLength64 = content.Length;
            await context.Response.OutputStream.WriteAsync(content);
            context.Response.Close();
        }
    }
}
