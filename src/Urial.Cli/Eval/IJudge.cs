namespace Urial.Cli;

/// <summary>Scores one answer on the six aspects, returning the judge's raw JSON.</summary>
internal interface IJudge : IAsyncDisposable
{
    /// <summary>Gets what identifies the judge in cache keys and reports.</summary>
    string Name { get; }

    Task<string> JudgeAsync(string instruction, string answer, CancellationToken cancellationToken);
}
