namespace Urial.SemanticKernel.Tests.Remote;

/// <summary>Remote options are validated once, with a message per problem.</summary>
public sealed class UrialRemoteEngineOptionsTests
{
    [Fact]
    public void Defaults_with_one_endpoint_are_valid()
    {
        Assert.Empty(new UrialRemoteEngineOptions { Endpoints = { new Uri("http://localhost:8080") } }.Validate());
    }

    [Fact]
    public void Every_problem_is_named()
    {
        var options = new UrialRemoteEngineOptions
        {
            Endpoints = { new Uri("ftp://host/"), new Uri("http://a:1/?x=1") },
            Dialect = UrialRemoteDialect.OpenAICompatible,
            MaxRetries = 11,
            AffinityLoadFactor = 0.5,
            ApiKey = "bad\nkey",
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.Contains("ftp://host/", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("query", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ContextSize is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxRetries", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("AffinityLoadFactor", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ApiKey", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("bad", StringComparison.Ordinal)); // the key's value is never repeated
    }

    [Fact]
    public void An_openai_base_address_and_a_root_resolve_to_the_same_paths()
    {
        Assert.Equal(new Uri("http://vllm:8000/tokenize"), new RemoteEndpoint(new Uri("http://vllm:8000/v1")).Resolve("tokenize"));
        Assert.Equal(new Uri("http://vllm:8000/v1/completions"), new RemoteEndpoint(new Uri("http://vllm:8000/v1/")).Resolve("v1/completions"));
        Assert.Equal(new Uri("http://gw/llm/v1/completions"), new RemoteEndpoint(new Uri("http://gw/llm")).Resolve("v1/completions"));
    }
}
