using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;

namespace Urial.AgentConsole.Plugins;

/// <summary>The current date and time, which a model cannot know.</summary>
/// <param name="timeProvider">The clock; tests pass a fixed one.</param>
internal sealed class ClockPlugin(TimeProvider timeProvider)
{
    /// <summary>Initializes a new instance of the <see cref="ClockPlugin"/> class over the system clock.</summary>
    public ClockPlugin()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Gets the current UTC time.</summary>
    /// <returns>An ISO 8601 timestamp.</returns>
    [KernelFunction("utc_now")]
    [Description("Gets the current date and time in UTC (ISO 8601).")]
    public string UtcNow() => timeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Gets the current local time with its offset and time zone.</summary>
    /// <returns>An ISO 8601 timestamp and the zone id.</returns>
    [KernelFunction("local_now")]
    [Description("Gets the current local date and time (ISO 8601 with offset) and the time zone.")]
    public string LocalNow() =>
        timeProvider.GetLocalNow().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) + " (" + timeProvider.LocalTimeZone.Id + ")";

    /// <summary>Gets today's local date and weekday.</summary>
    /// <returns>For example <c>2026-11-27 (Friday)</c>.</returns>
    [KernelFunction("today")]
    [Description("Gets today's local date and day of the week.")]
    public string Today() => timeProvider.GetLocalNow().ToString("yyyy-MM-dd '('dddd')'", CultureInfo.InvariantCulture);
}
