using System;

namespace Dwf.Training;

/// <summary>
/// Per-step cosine annealing from the initial learning rate to 0 (PyTorch's CosineAnnealingLR with
/// T_max = total steps, eta_min = 0), computed from the step index so that resuming is exact.
/// </summary>
public static class CosineSchedule
{
    /// <summary>Factor of the initial learning rate after <paramref name="step"/> of <paramref name="totalSteps"/> steps.</summary>
    public static double Factor(long step, long totalSteps)
    {
        if (totalSteps <= 0)
        {
            return 1.0;
        }

        double progress = Math.Clamp((double)step / totalSteps, 0.0, 1.0);
        return 0.5 * (1.0 + Math.Cos(Math.PI * progress));
    }
}
