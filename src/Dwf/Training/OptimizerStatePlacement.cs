using System.Linq;
using System.Reflection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dwf.Training;

/// <summary>
/// Puts an optimizer's per-parameter state (momentum buffers, Adam moments) on the device of its parameter, so that a
/// checkpoint written on one device continues on another.
/// </summary>
/// <remarks>
/// TorchSharp's <c>load_state_dict</c> creates missing state tensors on the CPU (<c>torch.empty(shape)</c>), and its
/// <c>OptimizerState.to(device)</c> (SGD, 0.107) drops the moved tensor instead of keeping it, so neither can be relied
/// on. The state classes keep their tensors in public fields (<c>SGD.State.momentum_buffer</c>,
/// <c>AdamW.State.exp_avg</c>, …): every such field is moved, whatever the optimizer. A state already on its
/// parameter's device is left untouched (on the CPU nothing changes).
/// </remarks>
internal static class OptimizerStatePlacement
{
    public static void FollowParameters(OptimizerHelper optimizer)
    {
        // state_dict() lists the state objects themselves, group by group and parameter by parameter.
        var states = optimizer.state_dict().State;
        var parameters = optimizer.ParamGroups.Cast<ParamGroup>().SelectMany(g => g.Parameters).ToList();
        for (int i = 0; i < states.Count && i < parameters.Count; i++)
        {
            var target = parameters[i].device;
            foreach (var field in states[i].GetType().GetFields(BindingFlags.Public | BindingFlags.Instance).Where(f => f.FieldType == typeof(Tensor)))
            {
                if (field.GetValue(states[i]) is Tensor tensor && !Devices.Same(new Device(tensor.device_type, tensor.device_index), target))
                {
                    var moved = tensor.to(target).DetachFromDisposeScope();
                    field.SetValue(states[i], moved);
                    tensor.Dispose();
                }
            }
        }
    }
}
