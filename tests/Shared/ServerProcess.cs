using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Urial.Testing;

/// <summary>
/// The server sample as a child process on 127.0.0.1: Kestrel picks a free port (<c>--urls http://127.0.0.1:0</c>) and
/// the address is read from its log, so no port is guessed. Ready once it listens and the model is warmed up; stopped by
/// its process id.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Marker, TaskCompletionSource<string> Seen)> _waits = [];

    private ServerProcess(Process process) => _process = process;

    /// <summary>Gets the base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets everything the server wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts <c>dotnet <paramref name="assembly"/></c> and waits until it listens and its model is warmed up.</summary>
    public static async Task<ServerProcess> StartAsync(string assembly, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { assembly, "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        var server = new ServerProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.Exited += (_, _) => server.OnExited();
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.BaseAddress = await server._listening.Task.WaitAsync(cancellationToken);
            await server._warmedUp.Task.WaitAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the server writes a line containing <paramref name="marker"/> (or has written one already).</summary>
    public Task<string> WaitForLineAsync(string marker, CancellationToken cancellationToken)
    {
        lock (_lines)
        {
            if (_lines.FirstOrDefault(line => line.Contains(marker, StringComparison.Ordinal)) is { } seen)
            {
                return Task.FromResult(seen);
            }

            var wait = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((marker, wait));
            return wait.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            foreach (var wait in _waits.Where(wait => line.Contains(wait.Marker, StringComparison.Ordinal)).ToList())
            {
                _waits.Remove(wait);
                wait.Seen.TrySetResult(line);
            }
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
        }
        else if (line.Contains("warmed up in", StringComparison.Ordinal))
        {
            _warmedUp.TrySetResult();
        }
    }

    private void OnExited()
    {
        var failure = new InvalidOperationException("The server exited. Its output:\n" + Output);
        _listening.TrySetException(failure);
        _warmedUp.TrySetException(failure);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningLine();
}
