namespace Urial.SemanticKernel;

/// <summary>Identifies how a URIAL prompt marks its turns.</summary>
public enum UrialTurnFormat
{
    /// <summary>Turns headed <c># Query:</c> and <c># Answer:</c>, each message enclosed in <c>```</c> fences (the paper's <c>inst_1k_v4</c> files).</summary>
    Fenced,

    /// <summary>Turns headed <c># User:</c> and <c># Assistant:</c> without fences (the paper's <c>inst_help_v6</c> file).</summary>
    Headings,
}
