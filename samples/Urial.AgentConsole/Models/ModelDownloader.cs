using Spectre.Console;

namespace Urial.AgentConsole.Models;

/// <summary>Downloads the default model into the cache, with a progress bar, never leaving a partial file under the final name.</summary>
/// <param name="console">Where the progress bar is drawn.</param>
/// <param name="timeout">How long to wait for the whole download; machines without network must fail fast.</param>
internal sealed class ModelDownloader(IAnsiConsole console, TimeSpan timeout)
{
    /// <summary>The default source of the model.</summary>
    public const string DefaultUrl = "https://huggingface.co/ggml-org/tiny-llamas/resolve/main/stories260K.gguf";

    /// <summary>Downloads <paramref name="url"/> to <paramref name="destination"/> and checks it is the model.</summary>
    /// <param name="url">The source.</param>
    /// <param name="destination">The final path; its folder is created.</param>
    /// <param name="cancellationToken">The token to cancel the download.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    /// <exception cref="AgentConsoleException">The download failed or the file is not the model; the message says what to do.</exception>
    public async Task DownloadAsync(Uri url, string destination, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temporary = destination + "." + Guid.NewGuid().ToString("N")[..8] + ".part";
        try
        {
            await FetchAsync(url, temporary, cancellationToken);
            if (ModelFileCheck.Problem(temporary) is { } problem)
            {
                throw new AgentConsoleException($"The file downloaded from {url} is not {ModelFileCheck.FileName}: {problem}. Pass --model <path> or set URIAL_MODEL.");
            }

            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async Task FetchAsync(Uri url, string temporary, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { Timeout = timeout };
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"Downloading {ModelFileCheck.FileName}", maxValue: ModelFileCheck.ExpectedSize);
                    using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token);
                    response.EnsureSuccessStatusCode();
                    task.MaxValue = response.Content.Headers.ContentLength ?? ModelFileCheck.ExpectedSize;
                    await using var source = await response.Content.ReadAsStreamAsync(timeoutSource.Token);
                    await using var target = File.Create(temporary);
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await source.ReadAsync(buffer, timeoutSource.Token)) > 0)
                    {
                        await target.WriteAsync(buffer.AsMemory(0, read), timeoutSource.Token);
                        task.Increment(read);

                        // The model is about a megabyte: anything far larger is not it, and must not fill the disk.
                        if (target.Length > 16 * ModelFileCheck.ExpectedSize)
                        {
                            throw new InvalidDataException("the server sent far more data than the model's size");
                        }
                    }
                });
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0} s" : e.Message;
            throw new AgentConsoleException(
                $"Could not download the model from {url} ({reason}). This machine may have no network access. " +
                "Pass --model <path to a .gguf file> or set URIAL_MODEL to a local GGUF base model.", e);
        }
    }
}
