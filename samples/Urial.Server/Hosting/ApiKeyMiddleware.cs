using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Urial.Server.OpenAI;

namespace Urial.Server;

/// <summary>Asks every <c>/v1</c> request for the configured API key as a bearer token, compared in constant time.</summary>
/// <remarks>
/// Both keys are hashed first, so the comparison takes the same time whatever the length or the first differing byte
/// of the key sent. The key is never logged, and neither is the header that carries it. <c>/health</c> and
/// <c>/metrics</c> stay open for probes and scrapers.
/// </remarks>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ServerOptions> options)
{
    private readonly byte[]? _expectedHash = string.IsNullOrEmpty(options.Value.ApiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey));

    public Task InvokeAsync(HttpContext context)
    {
        if (_expectedHash is null || !context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) || IsAuthorized(context.Request))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return OpenAIError.WriteAsync(context, StatusCodes.Status401Unauthorized, "Missing or invalid API key: send it as 'Authorization: Bearer <key>'.", "invalid_request_error", param: null, code: "invalid_api_key");
    }

    private bool IsAuthorized(HttpRequest request)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        var given = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : string.Empty;
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _expectedHash);
    }
}
