using Microsoft.Extensions.AI;

namespace Urial.Server.OpenAI;

/// <summary>A validated <c>POST /v1/chat/completions</c> body, translated into Microsoft.Extensions.AI types.</summary>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">The sampling, tools and response format.</param>
/// <param name="Stream">Whether the answer is streamed as server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with the usage (<c>stream_options.include_usage</c>).</param>
internal sealed record ChatCompletionRequest(IReadOnlyList<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage);
