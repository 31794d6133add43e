using System.Collections.Concurrent;
using System.Diagnostics;

namespace Urial.SemanticKernel.IntegrationTests.Diagnostics;

/// <summary>Records the <c>chat</c> spans the pipeline's OpenTelemetry layer (<see cref="UrialTelemetry.SourceName"/>) ends for one model id.</summary>
/// <remarks>The model id tells this test's spans from those of tests running beside it.</remarks>
internal sealed class ChatSpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public ChatSpanRecorder(string modelId)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == UrialTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName.StartsWith("chat", StringComparison.Ordinal) && Equals(activity.GetTagItem("gen_ai.request.model"), modelId))
                {
                    Spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public void Dispose() => _listener.Dispose();
}
