namespace Urial.AgentConsole.Chat;

/// <summary>What <c>/stats</c> shows: totals over the conversation and the speed of the last answer.</summary>
internal sealed class ConversationStats
{
    public int Turns { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long CachedInputTokens { get; set; }

    public TimeSpan? LastTimeToFirstToken { get; set; }

    public long LastOutputTokens { get; set; }

    public TimeSpan LastDuration { get; set; }

    /// <summary>Gets the decoding speed of the last answer, counted from its first token so that prompt evaluation does not dilute it.</summary>
    public double? LastTokensPerSecond
    {
        get
        {
            var decoding = LastDuration - (LastTimeToFirstToken ?? TimeSpan.Zero);
            return LastOutputTokens > 1 && decoding > TimeSpan.Zero ? (LastOutputTokens - 1) / decoding.TotalSeconds : null;
        }
    }
}
