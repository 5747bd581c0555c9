using System;
using System.IO;
using Dwf.Data;
using Dwf.Samples.Mnist.Cli;
using Dwf.Samples.Mnist.Models;
using Dwf.Serialization;
using Dwf.Training;
using TorchSharp;

namespace Dwf.Samples.Mnist.Deployment;

/// <summary>What deploying the collapsed model showed.</summary>
/// <param name="PlainClass">The class without <c>[Factorize]</c> the file was loaded into.</param>
/// <param name="FileBytes">Size of the saved file.</param>
/// <param name="Accuracy">Test accuracy of the reloaded model.</param>
/// <param name="Comparison">Reloaded vs collapsed model, image by image.</param>
internal sealed record DeploymentCheck(string PlainClass, long FileBytes, double Accuracy, PredictionComparison Comparison);

/// <summary>
/// Saves the collapsed model (TorchSharp's state-dict format, written atomically) and loads the file into the
/// plain class, the way an application that never heard of Dwf would, to show that nothing else is needed.
/// </summary>
internal static class DeployedModel
{
    public const string FileName = "collapsed-model.dat";

    public static DeploymentCheck SaveAndReload(SampleModel collapsed, ModelKind kind, ImageClassificationDataset test, string path)
    {
        ArgumentNullException.ThrowIfNull(collapsed);
        ArgumentNullException.ThrowIfNull(test);
        if (!collapsed.Factorization.IsCollapsed)
        {
            throw new InvalidOperationException("Collapse the model before deploying it: a factorized state dict holds the factors too.");
        }

        StateDictFile.Save(collapsed.Module, path);
        using var plain = ModelFactory.CreatePlain(kind);
        StateDictFile.Load(plain, path);
        var device = Devices.Of(collapsed.Module);
        if (!Devices.Same(device, Devices.Of(plain)))
        {
            // Compared output by output with the collapsed model, on the device it was trained on.
            plain.to(device);
        }

        var (_, accuracy) = Evaluation.Evaluate(plain, test, flatten: collapsed.FlattenInputs);
        var comparison = PredictionComparison.Compare(collapsed.Module, plain, test, collapsed.FlattenInputs);
        return new DeploymentCheck(plain.GetType().Name, new FileInfo(path).Length, accuracy, comparison);
    }
}
