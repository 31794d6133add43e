namespace Urial.SemanticKernel;

/// <summary>Settings of a remote engine: the servers that run the base model and how to talk to them (bound from <c>Urial:Remote</c>).</summary>
/// <remarks>The engine validates and copies these once, when it is created; later changes have no effect. The API key is sent, never logged.</remarks>
public sealed class UrialRemoteEngineOptions
{
    /// <summary>The conventional configuration section name below <c>Urial</c>, <c>"Remote"</c>.</summary>
    public const string SectionName = "Remote";

    /// <summary>Gets the base addresses of the servers, for example <c>http://vllm:8000/v1</c> or <c>http://10.0.0.5:8080</c>.</summary>
    /// <value>Required: one address (a single server or a gateway that routes by itself) or several replicas of the same model, between which the engine routes by conversation prefix.</value>
    public IList<Uri> Endpoints { get; } = [];

    /// <summary>Gets or sets the model name sent to the servers and reported as the response's model id.</summary>
    /// <value><see langword="null"/> (the default) uses the first model the server lists at <c>/v1/models</c> (for llama.cpp, its file name without extension).</value>
    public string? Model { get; set; }

    /// <summary>Gets or sets the API key sent as a bearer token; it is never logged.</summary>
    /// <value><see langword="null"/> (the default) sends no <c>Authorization</c> header.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the protocol.</summary>
    /// <value><see cref="UrialRemoteDialect.Auto"/> by default: detected at warm-up.</value>
    public UrialRemoteDialect Dialect { get; set; }

    /// <summary>Gets or sets the most tokens one request's prompt and output may take together.</summary>
    /// <value><see langword="null"/> (the default) learns it from the servers (llama.cpp's per-slot <c>n_ctx</c>, vLLM's <c>max_model_len</c>; the smallest over the replicas); required for <see cref="UrialRemoteDialect.OpenAICompatible"/>. Valid range [64, 10000000].</value>
    public int? ContextSize { get; set; }

    /// <summary>Gets or sets the output budget of a request that does not set one.</summary>
    /// <value>512 by default; valid range [1, 131072]. Always capped by the room left in the context.</value>
    public int DefaultMaxOutputTokens { get; set; } = 512;

    /// <summary>Gets or sets a value indicating whether requests of one conversation go to the replica that already holds its prefix.</summary>
    /// <value><see langword="true"/> by default. <see langword="false"/> sends each request to the least busy replica.</value>
    public bool PrefixAffinity { get; set; } = true;

    /// <summary>Gets or sets how far the busiest replica may exceed the average load before a conversation moves to its next replica (consistent hashing with bounded loads).</summary>
    /// <value>1.25 by default; valid range [1, 10].</value>
    public double AffinityLoadFactor { get; set; } = 1.25;

    /// <summary>Gets or sets how many requests may be in flight over all replicas; further requests are refused with <see cref="UrialCapacityExceededException"/>.</summary>
    /// <value>1024 by default; valid range [1, 1000000].</value>
    public int MaxInFlightRequests { get; set; } = 1024;

    /// <summary>Gets or sets how long one attempt may wait for a server's response headers (a streamed answer's tokens are not bounded by it).</summary>
    /// <value>30 seconds by default; valid range [10 ms, 1 hour].</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many times a failed attempt is retried on the same endpoint before the engine fails over to the next replica.</summary>
    /// <value>2 by default; valid range [0, 10]. Retries happen only before the response starts: a streamed answer is never duplicated.</value>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Gets or sets the base delay between retries (exponential, with jitter).</summary>
    /// <value>500 ms by default; valid range [0, 1 minute].</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets how long an endpoint's circuit stays open after it kept failing; requests go to other replicas meanwhile.</summary>
    /// <value>15 seconds by default; valid range [0.5 s, 1 hour].</value>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the longest silence between two chunks of a streamed answer before the request fails.</summary>
    /// <value>2 minutes by default; valid range [10 ms, 1 hour].</value>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets the texts of the model's control tokens, besides the servers' own BOS/EOS and the common ones (<c>&lt;s&gt;</c>, <c>&lt;|im_start|&gt;</c>…).</summary>
    /// <value>
    /// Empty by default. Servers parse control-token text inside a prompt as control tokens; the engine breaks each occurrence with a
    /// zero-width space before sending, so user text can never become a control token.
    /// </value>
    public IList<string> ControlTokenTexts { get; } = [];

    /// <summary>Checks every value and returns a description of each problem found.</summary>
    /// <returns>The problems, each naming the option and what to fix; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Endpoints.Count == 0)
        {
            errors.Add("Endpoints is empty: add the base address of at least one server, e.g. http://localhost:8080.");
        }

        foreach (var endpoint in Endpoints)
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"Endpoint '{endpoint}' is not an absolute http or https address.");
            }
            else if (!string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment))
            {
                errors.Add($"Endpoint '{endpoint}' has a query or fragment; give the server's base address only.");
            }
        }

        if (Endpoints.Where(e => e is not null).GroupBy(e => e.AbsoluteUri.TrimEnd('/'), StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            errors.Add("Endpoints lists the same address twice.");
        }

        if (!Enum.IsDefined(Dialect))
        {
            errors.Add($"Dialect is {Dialect}; use Auto, LlamaCpp, Vllm or OpenAICompatible.");
        }

        if (Dialect == UrialRemoteDialect.OpenAICompatible && ContextSize is null)
        {
            errors.Add("ContextSize is required with the OpenAICompatible dialect: such servers do not report their context length.");
        }

        if (Model is { } model && (model.Length is 0 or > 256 || model.Any(char.IsControl)))
        {
            errors.Add("Model must be 1 to 256 characters without control characters, or null to use the server's.");
        }

        if (ApiKey is { } key && (key.Length is 0 or > 4096 || key.Any(c => char.IsControl(c) || c > '~')))
        {
            errors.Add("ApiKey must be 1 to 4096 printable ASCII characters, or null.");
        }

        Range(errors, nameof(ContextSize), ContextSize ?? 64, 64, 10_000_000);
        Range(errors, nameof(DefaultMaxOutputTokens), DefaultMaxOutputTokens, 1, 131_072);
        Range(errors, nameof(MaxInFlightRequests), MaxInFlightRequests, 1, 1_000_000);
        Range(errors, nameof(MaxRetries), MaxRetries, 0, 10);
        if (!(AffinityLoadFactor is >= 1 and <= 10))
        {
            errors.Add($"AffinityLoadFactor is {AffinityLoadFactor}; it must be between 1 and 10.");
        }

        Duration(errors, nameof(AttemptTimeout), AttemptTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Duration(errors, nameof(RetryDelay), RetryDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Duration(errors, nameof(CircuitBreakDuration), CircuitBreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1));
        Duration(errors, nameof(StreamIdleTimeout), StreamIdleTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        if (ControlTokenTexts.Any(t => string.IsNullOrEmpty(t) || t.Length > 64))
        {
            errors.Add("ControlTokenTexts may not contain empty texts or texts longer than 64 characters.");
        }

        return errors;
    }

    private static void Range(List<string> errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name} is {value}; it must be between {min} and {max}.");
        }
    }

    private static void Duration(List<string> errors, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name} is {value}; it must be between {min} and {max}.");
        }
    }
}
