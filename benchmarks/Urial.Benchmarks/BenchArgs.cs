namespace Urial.Benchmarks;

/// <summary>
/// Command-line options: <c>[--model path|synthetic:small|medium|1b] [--peer llama-server] [--reps N] [--quick] [--out file] [--threads N] [--only section,...]</c>.
/// </summary>
internal sealed record BenchArgs(string ModelPath, bool Synthetic, string? Peer, int Reps, bool Quick, string? OutFile, int? Threads, IReadOnlySet<string> Only)
{
    private const string Usage =
        "Usage: [--model path|synthetic:small|medium|1b] [--peer llama-server] [--reps N] [--quick] [--out file] [--threads N] " +
        "[--only memory,ttft,multiturn,concurrency,overhead,threads,soak,defaults,embeddings,batching,sampling,prefill,peer,profile,determinism,scaleout]";

    public static BenchArgs Parse(string[] args)
    {
        string? model = null;
        string? peer = null;
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
                case "--peer": peer = Next(args, ref i); break;
                case "--reps": reps = int.Parse(Next(args, ref i), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--quick": quick = true; break;
                case "--out": outFile = Next(args, ref i); break;
                case "--threads": threads = int.Parse(Next(args, ref i), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--only": only.UnionWith(Next(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}");
            }
        }

        if (peer is not null && peer != "llama-server")
        {
            throw new ArgumentException($"Unknown peer '{peer}'; the only peer is llama-server. {Usage}");
        }

        var synthetic = model?.StartsWith(SyntheticModel.Scheme, StringComparison.Ordinal) == true;
        var path = synthetic ? SyntheticModel.Resolve(model!) : model ?? LocateModel();
        return new BenchArgs(path, synthetic, peer, reps ?? (quick ? 5 : 21), quick, outFile, threads, only);
    }

    /// <summary>Gets whether a section runs: every section unless <c>--only</c> names some; the peer section only with <c>--peer</c>.</summary>
    public bool Runs(string section) => section == "peer" ? Peer is not null && (Only.Count == 0 || Only.Contains(section)) : Only.Count == 0 || Only.Contains(section);

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

        return SharedFiles.Find(Path.Combine("models", "stories260K.gguf"))
            ?? throw new FileNotFoundException("stories260K.gguf not found: pass --model, set URIAL_TEST_MODEL, or put shared/models beside the checkout.");
    }
}
