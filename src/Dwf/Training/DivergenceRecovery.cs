using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>One rollback: where the run failed, which state it went back to, and the bound it continues with.</summary>
/// <param name="FailedAtStep">The global step at which a NaN/∞ was found.</param>
/// <param name="RestoredStep">The global step whose weights were restored.</param>
/// <param name="PreviousCap">The effective-rate cap before the rollback (× the dense learning rate).</param>
/// <param name="Cap">The cap the run continues with.</param>
/// <param name="Recovery">1 for the run's first rollback, 2 for the second, ….</param>
/// <param name="Cause">What was not finite (e.g. "the loss is NaN").</param>
public sealed record DivergenceRecoveryEvent(long FailedAtStep, long RestoredStep, double PreviousCap, double Cap, int Recovery, string Cause)
{
    /// <summary>One line for logs.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"diverged at step {FailedAtStep} ({Cause}); rolled back to the weights of step {RestoredStep}, momentum reset, effective-rate cap {PreviousCap:G3} → {Cap:G3} (rollback {Recovery})");
}

/// <summary>
/// Turns a divergence of factorized training into a rollback: keeps the weights of two recent good steps (at least
/// <see cref="SnapshotInterval"/> steps apart), and when a NaN/∞ appears restores the older one, resets the momentum
/// buffers and halves the optimizer's <see cref="FactorizedSgd.EffectiveRateCap"/>. The data stream, the
/// learning-rate schedule and a compression controller go on from where they are.
/// </summary>
/// <remarks>
/// <para>
/// Why: the stable bound on a large weight's step depends on the curvature the layer sees, and that changes during
/// training (a LeNet-5 layer fed by two linear convolutions whose weights grew; docs/learning-rate.md). A cap loose
/// enough to cost LeNet-300-100 nothing (5 × the dense rate) is too loose for LeNet-5 at the strongest penalties;
/// a cap tight enough for LeNet-5 (3) costs LeNet-300-100 0.28 points. Starting loose and tightening only when a run
/// actually blows up gives each net the bound it needs. The older snapshot is restored because a blow-up builds up
/// over a few steps (LeNet-5's fc1 went from max |W| 0.2 to 6 within ten steps before the NaN).
/// </para>
/// <para>
/// <see cref="Trainer"/> uses it by default (<see cref="TrainingOptions.DivergenceRecoveries"/>). In a plain loop:
/// call <see cref="MarkGood"/> after steps whose loss and weights were finite, and <see cref="Recover"/> when they
/// were not (if <see cref="CanRecover"/>), then go on with the next batch. Memory: two copies of the model's state.
/// </para>
/// </remarks>
public sealed class DivergenceRecovery : IDisposable
{
    /// <summary>Default number of steps between the two snapshots.</summary>
    public const int DefaultSnapshotInterval = 100;

    /// <summary>What each rollback multiplies the cap by.</summary>
    public const double CapBackoff = 0.5;

    private readonly nn.Module _model;
    private readonly FactorizedSgd _optimizer;
    private readonly List<DivergenceRecoveryEvent> _events = new();
    private Snapshot _older;
    private Snapshot _newer;

    /// <summary>Takes the first snapshot (the model as it is now, at <paramref name="step"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRecoveries"/> &lt; 0 or <paramref name="snapshotInterval"/> &lt; 1.</exception>
    public DivergenceRecovery(nn.Module model, FactorizedSgd optimizer, int maxRecoveries, long step = 0, int snapshotInterval = DefaultSnapshotInterval)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        MaxRecoveries = maxRecoveries >= 0
            ? maxRecoveries
            : throw new ArgumentOutOfRangeException(nameof(maxRecoveries), maxRecoveries, "The number of rollbacks must be ≥ 0 (0: stop at the first NaN/∞).");
        SnapshotInterval = snapshotInterval >= 1
            ? snapshotInterval
            : throw new ArgumentOutOfRangeException(nameof(snapshotInterval), snapshotInterval, "The snapshot interval must be at least 1 step.");
        _older = _newer = Snapshot.Take(model, step);
    }

    /// <summary>How many rollbacks a run may take before a divergence stops it.</summary>
    public int MaxRecoveries { get; }

    /// <summary>Steps between the two snapshots kept.</summary>
    public int SnapshotInterval { get; }

    /// <summary>Rollbacks so far (including those of the run before a resume, when restored with <see cref="RestoreCount"/>).</summary>
    public int Recoveries { get; private set; }

    /// <summary>The rollbacks of this process, in order.</summary>
    public IReadOnlyList<DivergenceRecoveryEvent> Events => _events;

    /// <summary>
    /// Whether <see cref="Recover"/> may run: rollbacks are left and the bound can tighten (a run without a bound,
    /// cap ∞, is meant to show its divergence).
    /// </summary>
    public bool CanRecover => Recoveries < MaxRecoveries && double.IsFinite(_optimizer.EffectiveRateCap);

    /// <summary>Sets the rollback count of a resumed run (from its checkpoint).</summary>
    public void RestoreCount(int recoveries) => Recoveries = Math.Max(0, recoveries);

    /// <summary>The weights after <paramref name="step"/> are finite: keep them if the newer snapshot is old enough.</summary>
    public void MarkGood(long step)
    {
        if (step - _newer.Since < SnapshotInterval)
        {
            return;
        }

        if (!ReferenceEquals(_older, _newer))
        {
            _older.Dispose();
        }

        _older = _newer;
        _newer = Snapshot.Take(_model, step);
    }

    /// <summary>Restores the older snapshot, resets momentum and halves the cap.</summary>
    /// <exception cref="InvalidOperationException"><see cref="CanRecover"/> is false.</exception>
    public DivergenceRecoveryEvent Recover(long failedAtStep, string cause)
    {
        if (!CanRecover)
        {
            throw new InvalidOperationException($"No rollback left ({Recoveries} of {MaxRecoveries} taken, cap {_optimizer.EffectiveRateCap.ToString("G3", CultureInfo.InvariantCulture)}); check CanRecover first.");
        }

        _older.RestoreInto(_model);
        _optimizer.ResetMomentum();
        double previous = _optimizer.EffectiveRateCap;
        _optimizer.EffectiveRateCap = previous * CapBackoff;
        Recoveries++;
        var recovery = new DivergenceRecoveryEvent(failedAtStep, _older.Step, previous, _optimizer.EffectiveRateCap, Recoveries, cause);
        _events.Add(recovery);

        // Both slots hold the restored state from now on; the next snapshot comes SnapshotInterval steps later.
        if (!ReferenceEquals(_older, _newer))
        {
            _newer.Dispose();
        }

        _older.Since = failedAtStep;
        _newer = _older;
        return recovery;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!ReferenceEquals(_older, _newer))
        {
            _older.Dispose();
        }

        _newer.Dispose();
    }

    /// <summary>Detached copies of a model's parameters and buffers.</summary>
    private sealed class Snapshot : IDisposable
    {
        private readonly List<(string Name, Tensor Value)> _tensors;

        private Snapshot(long step, List<(string Name, Tensor Value)> tensors)
        {
            Step = Since = step;
            _tensors = tensors;
        }

        /// <summary>The step whose weights these are.</summary>
        public long Step { get; }

        /// <summary>The step from which the model has (again) had these weights: the next snapshot is due SnapshotInterval later.</summary>
        public long Since { get; set; }

        public static Snapshot Take(nn.Module model, long step)
        {
            using var noGrad = no_grad();
            var tensors = model.state_dict().Select(p => (p.Key, p.Value.detach().clone().DetachFromDisposeScope())).ToList();
            return new Snapshot(step, tensors);
        }

        // Copied into the live tensors: the optimizer and the fused kernels hold those, not new ones.
        public void RestoreInto(nn.Module model)
        {
            using var noGrad = no_grad();
            var live = model.state_dict();
            foreach (var (name, value) in _tensors)
            {
                live[name].copy_(value);
            }
        }

        public void Dispose()
        {
            foreach (var (_, value) in _tensors)
            {
                value.Dispose();
            }
        }
    }
}
