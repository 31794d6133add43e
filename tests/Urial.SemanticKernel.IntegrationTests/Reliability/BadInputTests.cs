using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>Bad input gets an exception that says what to fix, and the process survives to serve the next request.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("urial-bad-input-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<Exception> FailToLoadAsync(string modelPath)
    {
        await using var client = UrialChatClient.FromModel(modelPath);
        return await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync("Hi", cancellationToken: Token));
    }

    [Fact]
    public async Task A_missing_model_file_is_named()
    {
        var error = await FailToLoadAsync(Path.Combine(_directory, "nope.gguf"));
        Assert.IsType<FileNotFoundException>(error);
        Assert.Contains("nope.gguf", error.Message, StringComparison.Ordinal);
        Assert.Contains("ModelPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_is_not_a_model()
    {
        var error = await FailToLoadAsync(_directory);
        Assert.IsType<InvalidDataException>(error);
        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public async Task An_empty_or_random_file_is_not_gguf(int size)
    {
        var path = Path.Combine(_directory, $"random{size}.gguf");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, size).Select(i => (byte)(i * 37))]);

        var error = await FailToLoadAsync(path);

        Assert.IsType<InvalidDataException>(error);
        Assert.Contains(size == 0 ? "empty" : "not a GGUF file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_gguf_is_reported_as_corrupt()
    {
        var path = Path.Combine(_directory, "truncated.gguf");
        File.WriteAllBytes(path, File.ReadAllBytes(TestModel.Path)[..4096]);

        var error = await FailToLoadAsync(path);

        Assert.IsType<InvalidDataException>(error);
        Assert.Contains("corrupt, truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prompt_file_without_turns_is_rejected()
    {
        var path = Path.Combine(_directory, "prompt.txt");
        File.WriteAllText(path, "# Instruction\n\nBe helpful.\n");

        var error = Assert.Throws<InvalidDataException>(() => UrialPrompt.Load(path));
        Assert.Contains("# Query:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_context_too_small_for_the_prefix_names_the_option()
    {
        await using var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.ContextSize = 1024);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("Hi", cancellationToken: Token));

        Assert.Contains("ContextSize 1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_Cuda_where_llama_cpp_cannot_use_a_GPU_fails_the_load_instead_of_running_on_the_CPU()
    {
        // These machines load LLamaSharp's CPU build, which reports no GPU offload (llama_supports_gpu_offload).
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, Backend = UrialBackend.Cuda });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.WarmUpAsync(Token));

        Assert.Contains("Backend is Cuda but the llama.cpp library LLamaSharp loaded cannot use a GPU", error.Message, StringComparison.Ordinal);
        Assert.Equal(UrialEngineStatus.Unhealthy, engine.GetHealth().Status);
    }

    [Fact]
    public async Task The_Cpu_backend_serves_requests()
    {
        await using var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.Backend = UrialBackend.Cpu);

        var response = await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 4 }, Token);

        Assert.InRange(response.Usage!.OutputTokenCount!.Value, 1, 4);
    }

    [Fact]
    public void Invalid_engine_options_list_every_problem()
    {
        var error = Assert.Throws<ArgumentException>(() => new UrialEngine(new UrialEngineOptions { ContextSize = 1, MaxConcurrentRequests = 0 }));

        Assert.Contains("ModelPath is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("ContextSize is 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrentRequests is 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Use_after_dispose_throws_ObjectDisposedException()
    {
        var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.CachedPrefix = null);
        await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 2 }, Token);
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("Hi", cancellationToken: Token));
    }

    [Fact]
    public async Task Disposing_with_requests_in_flight_ends_them_promptly()
    {
        var client = UrialChatClient.FromModel(TestModel.Path);
        await client.Engine.WarmUpAsync(Token);
        var options = new ChatOptions { MaxOutputTokens = 4000, AdditionalProperties = new() { ["repeat_penalty"] = 1.0 } };
        using var gate = new LoopGate((UrialEngine)client.Engine);
        var decoding = gate.HoldWhenAsync(report => report.Running.Any(r => r.OutputTokens > 0));
        var running = Enumerable.Range(0, 4).Select(_ => client.GetResponseAsync("Tell me a story.", options, Token)).ToArray();
        var held = await decoding; // the loop is held after a step that left requests decoding

        await gate.DisposeWhileHeldAsync(() => client.DisposeAsync().AsTask());

        var disposed = 0;
        foreach (var request in running)
        {
            var error = await Record.ExceptionAsync(() => request.FailIfHung("a request in flight"));
            Assert.True(error is null or ObjectDisposedException, error?.ToString());
            disposed += error is null ? 0 : 1;
        }

        Assert.InRange(disposed, held.Running.Count, running.Length); // every request still in the loop ended with the dispose
    }
}
