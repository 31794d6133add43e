using System.ComponentModel.DataAnnotations;

namespace Urial.Server;

/// <summary>The HTTP side of the server (section <c>"Server"</c>), validated at start.</summary>
internal sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>Gets or sets the key every <c>/v1</c> request must send as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    /// <value>Empty (the default): no key is asked for. Never logged.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the largest request body accepted; a larger one is answered 413.</summary>
    /// <value>1 MiB by default; valid range [1 KiB, 64 MiB].</value>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets the <c>Retry-After</c> seconds of a 429 (the engine's queue was full).</summary>
    /// <value>1 by default; valid range [1, 3600].</value>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
