using System.Diagnostics;

namespace Urial.Benchmarks;

/// <summary>
/// <c>--model synthetic:small|medium|1b</c>: a llama GGUF with random Q8_0 weights and the real Llama 2 tokenizer,
/// written by <c>shared/tools/synth-gguf.py</c> on first use into a cache folder (never into the repository).
/// Its text is noise, but every cost is a real model's of that shape.
/// </summary>
internal static class SyntheticModel
{
    public const string Scheme = "synthetic:";

    private static readonly string[] s_shapes = ["small", "medium", "1b"];

    /// <summary>Returns the path of the model for <paramref name="spec"/> (<c>synthetic:shape</c>), generating it if it is not cached yet.</summary>
    public static string Resolve(string spec)
    {
        var shape = spec[Scheme.Length..];
        if (!s_shapes.Contains(shape))
        {
            throw new ArgumentException($"Unknown synthetic shape '{shape}'; use one of {string.Join(", ", s_shapes)}.");
        }

        var folder = CacheFolder();
        var path = Path.Combine(folder, $"synthetic-{shape}.gguf");
        if (File.Exists(path))
        {
            return path;
        }

        var script = SharedFiles.Find(Path.Combine("tools", "synth-gguf.py"))
            ?? throw new FileNotFoundException("shared/tools/synth-gguf.py not found: put shared/ beside the checkout.");
        Directory.CreateDirectory(folder);
        var partial = path + $".{Environment.ProcessId}.partial";
        Console.Error.WriteLine($"generating {path} (synth-gguf.py --shape {shape})");
        using (var python = Process.Start(new ProcessStartInfo("python3") { ArgumentList = { script, partial, "--shape", shape }, UseShellExecute = false })
            ?? throw new InvalidOperationException("python3 could not be started."))
        {
            python.WaitForExit();
            if (python.ExitCode != 0)
            {
                File.Delete(partial);
                throw new InvalidOperationException($"synth-gguf.py failed with exit code {python.ExitCode}.");
            }
        }

        File.Move(partial, path, overwrite: true);
        return path;
    }

    /// <summary><c>URIAL_BENCH_CACHE</c>, else <c>$XDG_CACHE_HOME/urial-benchmarks</c>, else <c>~/.cache/urial-benchmarks</c>.</summary>
    private static string CacheFolder()
    {
        if (Environment.GetEnvironmentVariable("URIAL_BENCH_CACHE") is { Length: > 0 } configured)
        {
            return configured;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "urial-benchmarks");
    }
}
