namespace Urial.SemanticKernel;

/// <summary>The exception thrown when a structured answer does not satisfy its JSON schema.</summary>
/// <remarks>
/// The grammar makes most keywords hold while the answer is written; the others (e.g. <c>not</c>, <c>multipleOf</c>,
/// <c>uniqueItems</c>, overlapping <c>oneOf</c> branches) are checked against the whole schema once the answer is
/// complete, and a violation raises this exception instead of returning an invalid answer.
/// </remarks>
public sealed class UrialSchemaViolationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="UrialSchemaViolationException"/> class.</summary>
    public UrialSchemaViolationException()
        : this("The structured answer does not satisfy its JSON schema.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UrialSchemaViolationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public UrialSchemaViolationException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UrialSchemaViolationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, if any.</param>
    public UrialSchemaViolationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Keyword = string.Empty;
        InstanceLocation = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="UrialSchemaViolationException"/> class for one violation.</summary>
    /// <param name="message">The message.</param>
    /// <param name="keyword">The failing keyword.</param>
    /// <param name="instanceLocation">The JSON pointer of the failing value.</param>
    public UrialSchemaViolationException(string message, string keyword, string instanceLocation)
        : base(message)
    {
        Keyword = keyword;
        InstanceLocation = instanceLocation;
    }

    /// <summary>Gets the JSON Schema keyword that failed (e.g. <c>multipleOf</c>), or empty when unknown.</summary>
    public string Keyword { get; }

    /// <summary>Gets the JSON pointer of the value that failed (e.g. <c>/items/0</c>; <c>/</c> for the whole answer), or empty when unknown.</summary>
    public string InstanceLocation { get; }
}
