namespace Urial.Benchmarks;

/// <summary>Command-line options: <c>[--model path] [--reps N] [--quick] [--out file] [--threads N] [--only section,...]</c>.</summary>
internal sealed record BenchArgs(string ModelPath, int Reps, bool Quick, string? OutFile, int? Threads, IReadOnlySet<string> Only)
{
    public static BenchArgs Parse(string[] args)
    {
        string? model = null;
        string? outFile = null;
        int? reps = null;
        int? threads = null;
        var quick = false;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = Next(args, ref i); break;
                case "--reps": reps = int.Parse(Next(args, ref i), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--quick": quick = true; break;
                case "--out": outFile = Next(args, ref i); break;
                case "--threads": threads = int.Parse(Next(args, ref i), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--only": only.UnionWith(Next(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--model path] [--reps N] [--quick] [--out file] [--threads N] [--only ttft,multiturn,concurrency,overhead,memory,threads,soak,defaults,embeddings]");
            }
        }

        return new BenchArgs(model ?? LocateModel(), reps ?? (quick ? 5 : 21), quick, outFile, threads, only);
    }

    public bool Runs(string section) => Only.Count == 0 || Only.Contains(section);

    private static string Next(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

    /// <summary><c>URIAL_TEST_MODEL</c>, else <c>shared/models/stories260K.gguf</c> or <c>../shared/models/</c> walking up from the binaries and the working directory.</summary>
    private static string LocateModel()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("URIAL_TEST_MODEL");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return File.Exists(fromEnvironment) ? fromEnvironment : throw new FileNotFoundException($"URIAL_TEST_MODEL points at '{fromEnvironment}', which does not exist.");
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                foreach (var candidate in new[] { "shared", "../shared" })
                {
                    var path = Path.Combine(directory.FullName, candidate, "models", "stories260K.gguf");
                    if (File.Exists(path))
                    {
                        return Path.GetFullPath(path);
                    }
                }
            }
        }

        throw new FileNotFoundException("stories260K.gguf not found: pass --model, set URIAL_TEST_MODEL, or put shared/models beside the checkout.");
    }
}
