namespace Urial.SemanticKernel;
internal static class Placeholder { }
