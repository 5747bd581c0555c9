using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Dwf.Serialization;

namespace Dwf.Benchmarks.Experiments;

/// <summary>
/// The harness's results file: one CSV row per run, rewritten atomically after every run, so a long
/// sweep can be interrupted at any moment and resumed (runs already present are skipped).
/// </summary>
public sealed class RunStore
{
    private const string Header = MachineHeader + ",recoveries";

    // Files written before the machine and recoveries columns existed are read as they are and rewritten with them
    // (empty machine, 0 rollbacks for old rows).
    private const string MachineHeader = PreviousHeader + ",machine";
    private const string PreviousHeader = "method,depth,lambda,lr,target_ratio,seed,epochs,batch_size,test_accuracy,compression_ratio,compression_ratio_at_1e-3,layer_ratios,wall_seconds";
    private readonly List<RunResult> _results;

    private RunStore(string path, List<RunResult> results)
    {
        Path = path;
        _results = results;
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <summary>All results so far.</summary>
    public IReadOnlyList<RunResult> Results => _results;

    /// <summary>Opens (or starts) the results file at <paramref name="path"/>.</summary>
    public static RunStore Open(string path)
    {
        var results = new List<RunResult>();
        if (File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length == 0 || lines[0] is not (Header or MachineHeader or PreviousHeader))
            {
                throw new InvalidDataException($"{path}: not a results file of this harness (unexpected header). Move it away or pass another --out.");
            }

            for (int i = 1; i < lines.Length; i++)
            {
                if (lines[i].Length > 0)
                {
                    results.Add(Parse(lines[i], path, i + 1));
                }
            }
        }

        return new RunStore(path, results);
    }

    /// <summary>Whether a run with this key is already recorded.</summary>
    public bool Contains(RunSpec spec) => _results.Any(r => r.Spec.Key == spec.Key);

    /// <summary>The recorded result for <paramref name="spec"/>, if any.</summary>
    public RunResult? Find(RunSpec spec) => _results.FirstOrDefault(r => r.Spec.Key == spec.Key);

    /// <summary>Records a result and rewrites the file atomically.</summary>
    public void Add(RunResult result)
    {
        _results.RemoveAll(r => r.Spec.Key == result.Spec.Key);
        _results.Add(result);
        var text = new StringBuilder().AppendLine(Header);
        foreach (var r in _results)
        {
            text.AppendLine(Format(r));
        }

        StateDictFile.AtomicWrite(Path, writer => writer.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Format(RunResult r)
    {
        var c = CultureInfo.InvariantCulture;
        string layers = string.Join(";", r.LayerRatios.Select(l => $"{l.Layer}={FormatRatio(l.Ratio)}"));
        return string.Join(
            ",",
            r.Spec.Method.ToString(),
            r.Spec.Depth.ToString(c),
            r.Spec.Lambda.ToString("R", c),
            r.Spec.LearningRate.ToString("R", c),
            r.Spec.TargetRatio.ToString("R", c),
            r.Spec.Seed.ToString(c),
            r.Spec.Epochs.ToString(c),
            r.Spec.BatchSize.ToString(c),
            double.IsNaN(r.TestAccuracy) ? "NaN" : r.TestAccuracy.ToString("F6", c),
            FormatRatio(r.CompressionRatio),
            FormatRatio(r.CompressionRatioAt1e3),
            layers,
            r.WallSeconds.ToString("F1", c),
            r.Machine.Replace(',', ';'),
            r.Recoveries.ToString(CultureInfo.InvariantCulture));
    }

    private static string FormatRatio(double ratio) =>
        double.IsPositiveInfinity(ratio) ? "inf" : double.IsNaN(ratio) ? "NaN" : ratio.ToString("F3", CultureInfo.InvariantCulture);

    private static double ParseRatio(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    private static RunResult Parse(string line, string path, int lineNumber)
    {
        var f = line.Split(',');
        if (f.Length is not (13 or 14 or 15))
        {
            throw new InvalidDataException($"{path}:{lineNumber}: expected 15 columns (13 or 14 in files from before the machine and recoveries columns), found {f.Length}.");
        }

        var c = CultureInfo.InvariantCulture;
        var spec = new RunSpec(
            Enum.Parse<Method>(f[0]),
            int.Parse(f[1], c),
            double.Parse(f[2], c),
            double.Parse(f[3], c),
            double.Parse(f[4], c),
            long.Parse(f[5], c),
            int.Parse(f[6], c),
            int.Parse(f[7], c));
        var layers = f[11].Length == 0
            ? new List<(string, double)>()
            : f[11].Split(';').Select(p => p.Split('=')).Select(p => (p[0], ParseRatio(p[1]))).ToList();
        return new RunResult(spec, ParseRatio(f[8]), ParseRatio(f[9]), ParseRatio(f[10]), layers, double.Parse(f[12], c))
        {
            Machine = f.Length > 13 ? f[13] : string.Empty,
            Recoveries = f.Length > 14 ? int.Parse(f[14], c) : 0,
        };
    }
}
