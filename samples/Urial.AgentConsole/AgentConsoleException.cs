namespace Urial.AgentConsole;

/// <summary>A problem the user can fix (a bad option, a missing model): its message is shown as is, without a stack trace, and the exit code is 1.</summary>
internal sealed class AgentConsoleException : Exception
{
    public AgentConsoleException()
    {
    }

    public AgentConsoleException(string message)
        : base(message)
    {
    }

    public AgentConsoleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
