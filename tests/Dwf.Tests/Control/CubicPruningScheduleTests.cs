using System;
using System.Linq;
using Xunit;

namespace Dwf.Tests.Control;

/// <summary>Zhu &amp; Gupta's cubic schedule, shared by the controller's mask phase and the GMP baseline.</summary>
public sealed class CubicPruningScheduleTests
{
    [Theory]
    [InlineData(0L, 60L, 60)]
    [InlineData(70L, 5698L, 60)] // an uneven window: 5,628 steps for 60 events
    [InlineData(3L, 4L, 1)]
    public void Events_are_distinct_steps_ending_at_the_end_and_counted_as_a_linear_scan_counts_them(long begin, long end, int events)
    {
        var schedule = new CubicPruningSchedule(begin, end, events);
        var steps = Enumerable.Range(1, events).Select(schedule.EventStep).ToArray();
        Assert.Equal(events, steps.Distinct().Count());
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First < p.Second));
        Assert.True(steps[0] > begin);
        Assert.Equal(end, steps[^1]);

        for (long step = begin - 1; step <= end + 2; step++)
        {
            int scanned = steps.Count(s => s <= step);
            Assert.Equal(scanned, schedule.EventsUpTo(step));
        }
    }

    [Fact]
    public void The_share_of_the_final_sparsity_is_the_cubic_closed_form()
    {
        var schedule = new CubicPruningSchedule(100, 700, 60);
        Assert.Equal(0.0, schedule.ShareAfter(0));
        Assert.Equal(1 - Math.Pow(59.0 / 60, 3), schedule.ShareAfter(1), 14);
        Assert.Equal(0.875, schedule.ShareAfter(30), 14); // half-way: 1 − (1/2)³
        Assert.Equal(1.0, schedule.ShareAfter(60));
        Assert.Equal(0.875, schedule.ShareAt(schedule.EventStep(30)), 14);
        Assert.Equal(1.0, schedule.ShareAt(10_000));
    }

    [Fact]
    public void A_window_shorter_than_its_events_is_refused_with_the_numbers()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CubicPruningSchedule(10, 20, 60));
        Assert.Contains("begin 10, end 20, 60 events", error.Message, StringComparison.Ordinal);
    }
}
