using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Urial.Benchmarks;
using Urial.SemanticKernel;

var options = BenchArgs.Parse(args);
if (options.Only.Count == 1 && options.Runs("scaleout"))
{
    // Servers only: the in-process engine is not loaded, so it takes no cores from the llama-server replicas.
    var scaleOut = new Report();
    await ScaleOut.RunAsync(options, scaleOut);
    Console.WriteLine(scaleOut.ToMarkdown($"Urial.SemanticKernel scale-out benchmark — model `{Path.GetFileName(options.ModelPath)}`, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
    return;
}

// The engine's defaults: half the cores decode, all cores evaluate prompts (section 6 measures why).
var threads = options.Threads ?? Math.Max(1, Environment.ProcessorCount / 2);
const int ContextSize = 8192;
const int BatchSize = 512;
const int MaxConcurrent = 16;

Console.Error.WriteLine($"model {options.ModelPath}, reps {options.Reps}, threads {threads}, OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"}");
var memoryBeforeLoad = Memory.WorkingSet();

var services = new ServiceCollection();

services.AddUrialChatCompletion(o =>
{
    o.ModelPath = options.ModelPath;
    o.ContextSize = ContextSize;
    o.BatchSize = BatchSize;
    o.MaxConcurrentRequests = MaxConcurrent;
    o.Threads = threads;

    // Same work as the raw loop: no cache of finished sequences (section 2 measures it on an engine of its own).
    // In a unified KV cache idle cached cells cost every token attention, which would tilt these comparisons.
    o.PrefixCacheSequences = 0;
});
await using var provider = services.BuildServiceProvider();
var engine = (UrialEngine)provider.GetRequiredService<IUrialEngine>();
var chatService = provider.GetRequiredService<IChatCompletionService>();
var loadTimer = Stopwatch.StartNew();
await engine.WarmUpAsync();
var engineLoadSeconds = loadTimer.Elapsed.TotalSeconds;
var memoryAfterEngine = Memory.WorkingSet();

loadTimer.Restart();
using var raw = new RawRunner(options.ModelPath, UrialPrompt.Default.Text, threads, ContextSize, BatchSize, MaxConcurrent + 1, batchThreads: Environment.ProcessorCount);
var rawLoadSeconds = loadTimer.Elapsed.TotalSeconds;
var memoryAfterRaw = Memory.WorkingSet();

var report = new Report();
report.Note($"Cached prefix: {engine.CachedPrefixTokenCount} tokens (UrialPrompt.Default with this model's tokenizer); context {ContextSize}, batch {BatchSize}, threads {threads}, MaxConcurrentRequests {MaxConcurrent}; engine load + prefix evaluation {Report.F(engineLoadSeconds)} s, raw load + prefix {Report.F(rawLoadSeconds)} s.");
var scenarios = new Scenarios(options, engine, chatService, raw, report);

if (options.Runs("memory"))
{
    await scenarios.MemoryAsync(memoryBeforeLoad, memoryAfterEngine, memoryAfterRaw);
}

if (options.Runs("ttft"))
{
    await scenarios.TimeToFirstTokenAsync();
}

if (options.Runs("multiturn"))
{
    await scenarios.MultiTurnAsync();
}

if (options.Runs("concurrency"))
{
    await scenarios.ConcurrencyAsync();
}

if (options.Runs("overhead"))
{
    await scenarios.OverheadAsync();
}

if (options.Runs("threads"))
{
    scenarios.Threads(ContextSize, BatchSize, MaxConcurrent + 1);
}

if (options.Runs("batching"))
{
    using var flash = new RawRunner(options.ModelPath, UrialPrompt.Default.Text, threads, ContextSize, BatchSize, MaxConcurrent + 1, batchThreads: Environment.ProcessorCount, flashAttention: true);
    using var empty = new RawRunner(options.ModelPath, string.Empty, threads, ContextSize, BatchSize, MaxConcurrent + 1, batchThreads: Environment.ProcessorCount);
    using var quantizedKeys = TryRunner(() => new RawRunner(options.ModelPath, UrialPrompt.Default.Text, threads, ContextSize, BatchSize, MaxConcurrent + 1, batchThreads: Environment.ProcessorCount, keyType: LLama.Native.GGMLType.GGML_TYPE_Q8_0));
    new Batching(options, raw, flash, empty, quantizedKeys, report).Run();
}

if (options.Runs("sampling"))
{
    new SamplingCost(options, raw, report).Run();
}

if (options.Runs("prefill"))
{
    await new Prefill(options, report, threads, ContextSize, BatchSize).RunAsync();
}

if (options.Runs("peer"))
{
    await new Peer(options, engine, report, threads, Environment.ProcessorCount, BatchSize).RunAsync();
}

if (options.Only.Contains("profile"))
{
    await new ProfileLoad(options, engine, report).RunAsync();
}

if (options.Runs("soak"))
{
    await Soak.RunAsync(chatService, report);
}

if (options.Runs("embeddings"))
{
    await Embeddings.RunAsync(options, engine, report);
}

if (options.Runs("determinism"))
{
    await Determinism.RunAsync(options, engine, report, threads, ContextSize);
}

if (options.Runs("defaults"))
{
    scenarios.Defaults(ContextSize, BatchSize, MaxConcurrent + 1);
}

var header = $"Urial.SemanticKernel benchmarks — model `{Path.GetFileName(options.ModelPath)}`, {options.Reps} reps, threads {threads}, " +
    $"OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "unset"}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC";
var markdown = report.ToMarkdown(header);
if (options.OutFile is { } outFile)
{
    await File.WriteAllTextAsync(outFile, markdown);
}

Console.WriteLine(markdown);

// A runner whose context llama.cpp refuses for this model (e.g. a quantized K cache on the toy model's head size) is skipped.
static RawRunner? TryRunner(Func<RawRunner> create)
{
    try
    {
        return create();
    }
    catch (NotSupportedException)
    {
        return null;
    }
}
