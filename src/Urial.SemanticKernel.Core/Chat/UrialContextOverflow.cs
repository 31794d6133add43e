namespace Urial.SemanticKernel;

/// <summary>What happens when a conversation and its output budget do not fit the engine's context.</summary>
/// <remarks>
/// Chosen per host by <see cref="UrialOptions.ContextOverflow"/> and per request by <see cref="UrialChatClient.ContextOverflowKey"/> in
/// <c>ChatOptions.AdditionalProperties</c> (which also accepts the wire names <c>"error"</c> and <c>"drop_oldest_turns"</c>).
/// </remarks>
public enum UrialContextOverflow
{
    /// <summary>The request fails with <see cref="UrialContextLengthExceededException"/> (the default).</summary>
    Error,

    /// <summary>
    /// The oldest exchanges (a user message and what follows it up to the next user message) are dropped until the prompt leaves room for
    /// <c>ChatOptions.MaxOutputTokens</c> (256 tokens when unset).
    /// </summary>
    /// <remarks>
    /// The URIAL prompt, system messages (instructions) and the last user message with everything after it are never dropped; when they alone
    /// do not fit, the request fails with <see cref="UrialContextLengthExceededException"/>. The number of messages left out is reported in the
    /// final update's <c>AdditionalProperties</c> under <see cref="UrialChatClient.DroppedMessagesKey"/>. The engine counts the tokens
    /// (<see cref="IUrialEngine.CountTokensAsync"/>), so the fit is exact for its tokenizer.
    /// </remarks>
    DropOldestTurns,
}
