namespace Urial.SemanticKernel;

/// <summary>A grammar that llama.cpp would reject, or that exceeds one of <see cref="GbnfLimits"/>.</summary>
internal sealed class GbnfException : Exception
{
    public GbnfException()
    {
    }

    public GbnfException(string message)
        : base(message)
    {
    }

    public GbnfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GbnfException(string message, bool isLimit)
        : base(message)
    {
        IsLimit = isLimit;
    }

    /// <summary>Gets a value indicating whether llama.cpp itself would accept the grammar, and only this library's bounds refuse it.</summary>
    public bool IsLimit { get; }
}
