namespace Urial.SemanticKernel;

/// <summary>One server's address as configured, and the root its llama.cpp, vLLM and OpenAI paths resolve against.</summary>
/// <remarks>
/// Users give either the server's root (<c>http://host:8080</c>) or its OpenAI base (<c>http://vllm:8000/v1</c>): native paths
/// (<c>/completion</c>, <c>/tokenize</c>, <c>/props</c>) live at the root, OpenAI paths under <c>v1/</c>, behind any gateway prefix.
/// </remarks>
internal sealed class RemoteEndpoint
{
    public RemoteEndpoint(Uri address)
    {
        Address = address;
        var text = address.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (text.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^3];
        }

        Root = new Uri(text + "/");
    }

    /// <summary>Gets the address as configured: error messages name it.</summary>
    public Uri Address { get; }

    /// <summary>Gets the server's root, ending with a slash.</summary>
    public Uri Root { get; }

    /// <summary>Gets the host name, reported as OpenTelemetry's <c>server.address</c>.</summary>
    public string Host => Root.Host;

    /// <summary>Gets the port, reported as OpenTelemetry's <c>server.port</c>.</summary>
    public int Port => Root.Port;

    /// <summary>Resolves a path relative to the root, e.g. <c>v1/completions</c>.</summary>
    public Uri Resolve(string relativePath) => new(Root, relativePath);

    public override string ToString() => Address.ToString();
}
