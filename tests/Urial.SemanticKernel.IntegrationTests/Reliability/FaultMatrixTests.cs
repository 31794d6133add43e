namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>Each row of the fault matrix that no other test covers, on its own: the exception type and a message that says what to fix.</summary>
public sealed class FaultMatrixTests(FaultContext context) : IClassFixture<FaultContext>
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Uncovered), MemberType = typeof(FaultMatrix))]
    public async Task Fault_gets_a_clear_exception(string scenario)
    {
        await FaultMatrix.Named(scenario).Run(context).FailIfHung(scenario);

        Assert.Equal(0, context.Engine.FaultCount);
    }
}
