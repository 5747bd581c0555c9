using System;
using System.Linq;
using Dwf.Benchmarks.Experiments;
using Dwf.Samples.Models;
using Xunit;
using static TorchSharp.torch;

namespace Dwf.Tests.Baselines;

/// <summary>DWF + fine-tune (<see cref="Method.DwfTune"/>): the budget split and the held zeros.</summary>
public sealed class FineTuneScheduleTests
{
    [Theory]
    [InlineData(100, 0.3, 70, 30)]
    [InlineData(30, 0.3, 21, 9)]
    [InlineData(10, 0.25, 7, 3)] // 2.5 rounds away from zero: 3
    [InlineData(2, 0.3, 1, 1)] // at least one epoch each
    [InlineData(5, 0.99, 1, 4)]
    public void TheEpochsAreSplitWithoutLosingOne(int epochs, double fraction, int dwf, int tune)
    {
        var split = new FineTuneSchedule(fraction, 0.01).Split(epochs);
        Assert.Equal((dwf, tune), split);
        Assert.Equal(epochs, split.Dwf + split.FineTune);
    }

    [Theory]
    [InlineData(1, 0.3, 0.01, "at least 2 epochs")]
    [InlineData(10, 0.0, 0.01, "fraction in (0, 1)")]
    [InlineData(10, 1.0, 0.01, "fraction in (0, 1)")]
    [InlineData(10, 0.3, 0.0, "learning rate > 0")]
    [InlineData(10, 0.3, double.NaN, "learning rate > 0")]
    public void ImpossibleSchedulesAreRefusedWithTheRule(int epochs, double fraction, double rate, string rule)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FineTuneSchedule(fraction, rate).Split(epochs));
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultIsATenthOfTheDenseRateForTheLastThirtyPercent()
    {
        var schedule = FineTuneSchedule.Default(0.1);
        Assert.Equal(0.3, schedule.Fraction);
        Assert.Equal(0.01, schedule.LearningRate, 12);
        Assert.Equal("the last 30 % of the epochs at peak rate 0.01", schedule.Describe());
    }

    [Fact]
    public void ThePlanHasOneFineTunedRunPerDwfTargetDepthAndSeed()
    {
        var plan = ExperimentPlan.Full("lenet300") with { Methods = new[] { Method.DwfTune }, Depths = new[] { 3, 4 }, DwfTargets = new[] { 68.0, 100.0 } };
        var runs = plan.Runs().ToList();
        Assert.Equal(2 * 2 * 2, runs.Count);
        Assert.All(runs, r => Assert.Equal(Method.DwfTune, r.Method));
        Assert.Equal(new[] { 68.0, 100.0 }, runs.Select(r => r.TargetRatio).Distinct().OrderBy(t => t));
        Assert.Equal("DWF D=3 target + fine-tune", Summary.SeriesOf(runs[0]));
    }

    [Fact]
    public void TheMaskFromTheCollapsedModelHoldsItsZerosThroughMomentumSteps()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = new LeNet300();
        var weights = Nets.PrunableWeights(model);
        using (no_grad())
        {
            foreach (var (_, weight) in weights)
            {
                weight.mul_(rand(weight.shape).gt(0.9).to(weight.dtype)); // about 90 % zeros, as after a collapse
            }
        }

        var zerosBefore = weights.Select(w => w.Weight.detach().eq(0).clone()).ToList();
        var survivorsBefore = weights.Select(w => w.Weight.detach().clone()).ToList();
        using var mask = PruningMask.FromPattern(weights, weights.Select(w => w.Weight.detach()).ToList());
        var optimizer = optim.SGD(model.parameters(), 0.1, momentum: 0.9);
        var input = randn(64, 784);
        var labels = randint(0, 10, new long[] { 64 });
        for (int step = 0; step < 5; step++)
        {
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.call(input), labels).backward();
            optimizer.step();
            mask.Apply();
        }

        for (int i = 0; i < weights.Count; i++)
        {
            var weight = weights[i].Weight.detach();
            Assert.True(weight.masked_select(zerosBefore[i]).eq(0).all().item<bool>(), $"{weights[i].Name}: a zero of the collapsed model came back");
            var survivors = zerosBefore[i].logical_not();
            Assert.True(weight.masked_select(survivors).ne(survivorsBefore[i].masked_select(survivors)).any().item<bool>(), $"{weights[i].Name}: the survivors were not trained");
        }
    }
}
