using Microsoft.Extensions.Options;

namespace Urial.SemanticKernel.IntegrationTests.Hosting;

/// <summary>Each invalid configuration fails the start of a real host with a message that names the option and the fix.</summary>
public sealed class UrialOptionsValidationTests
{
    [Fact]
    public async Task Missing_model_path_fails_the_start()
    {
        var error = await TestHost.StartFailure(new Dictionary<string, string?> { ["Urial:ContextSize"] = "8192" });

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("ModelPath is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_model_file_fails_the_start()
    {
        var path = Path.Combine(Path.GetTempPath(), "urial-missing-" + Guid.NewGuid().ToString("N") + ".gguf");

        var error = await TestHost.StartFailure(new Dictionary<string, string?> { ["Urial:ModelPath"] = path });

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("ModelPath: The model file", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_gguf_fails_the_start()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "this is a text file, not a model", TestContext.Current.CancellationToken);

            var error = await TestHost.StartFailure(new Dictionary<string, string?> { ["Urial:ModelPath"] = path });

            Assert.IsType<OptionsValidationException>(error);
            Assert.Contains("not a GGUF file", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_prompt_that_cannot_be_loaded_fails_the_start()
    {
        var prompt = Path.Combine(Path.GetTempPath(), "urial-missing-prompt-" + Guid.NewGuid().ToString("N") + ".txt");

        var error = await TestHost.StartFailure(new Dictionary<string, string?> { ["Urial:ModelPath"] = TestModel.Path, ["Urial:Prompt"] = prompt });

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains($"Prompt '{prompt}' cannot be loaded", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set Prompt to \"default\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_out_of_range_fail_the_start_naming_each_option()
    {
        var error = await TestHost.StartFailure(new Dictionary<string, string?>
        {
            ["Urial:ModelPath"] = TestModel.Path,
            ["Urial:ContextSize"] = "10",
            ["Urial:MaxConcurrentRequests"] = "0",
            ["Urial:Temperature"] = "5",
            ["Urial:Backend"] = "Cpu",
            ["Urial:GpuLayerCount"] = "4",
        });

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("ContextSize is 10; it must be between 64 and 131072", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrentRequests is 0; it must be between 1 and 64", error.Message, StringComparison.Ordinal);
        Assert.Contains("Temperature is 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("GpuLayerCount is 4 but Backend is Cpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_context_too_small_for_the_urial_prefix_fails_the_start()
    {
        var error = await TestHost.StartFailure(new Dictionary<string, string?> { ["Urial:ModelPath"] = TestModel.Path, ["Urial:ContextSize"] = "1024" });

        Assert.IsType<InvalidOperationException>(error);
        Assert.IsType<ArgumentException>(error.InnerException);
        Assert.Contains("ContextSize 1024 cannot hold the URIAL prefix", error.Message, StringComparison.Ordinal);
        Assert.Contains("raise ContextSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cuda_backend_without_the_cuda_package_fails_the_start()
    {
        var error = await TestHost.StartFailure(new Dictionary<string, string?> { ["Urial:ModelPath"] = TestModel.Path, ["Urial:Backend"] = "Cuda" });

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("Backend is Cuda but no CUDA build of llama.cpp was found", error.Message, StringComparison.Ordinal);
        Assert.Contains("LLamaSharp.Backend.Cuda12", error.Message, StringComparison.Ordinal);
    }
}
