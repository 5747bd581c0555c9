using System;
using System.IO;
using System.Linq;
using Dwf.Samples.Mnist.Output;
using Dwf.Tests.Data;
using Xunit;

namespace Dwf.Tests.Sample;

public sealed class OutputFolderTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Staged_files_appear_only_when_published_and_replace_older_results()
    {
        string target = _root.File("run");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "epochs.csv"), "old");

        using (var folder = OutputFolder.Open(target))
        {
            File.WriteAllText(folder.Stage("epochs.csv"), "new");
            File.WriteAllText(folder.Stage("plot.png"), "png");

            Assert.Equal("old", File.ReadAllText(Path.Combine(target, "epochs.csv")));
            Assert.False(File.Exists(Path.Combine(target, "plot.png")));

            var published = folder.Publish();

            Assert.Equal(new[] { "epochs.csv", "plot.png" }, published.Select(Path.GetFileName));
        }

        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "epochs.csv")));
        Assert.Equal(new[] { "epochs.csv", "plot.png" }, Directory.GetFileSystemEntries(target).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void An_abandoned_run_leaves_no_files_and_removes_the_folder_it_created()
    {
        string target = _root.File("fresh");

        using (var folder = OutputFolder.Open(target))
        {
            File.WriteAllText(folder.Stage("collapsed-model.dat"), "half");
            Assert.True(Directory.Exists(folder.StagingDirectory));
        }

        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void An_abandoned_run_keeps_a_folder_that_existed_and_its_content()
    {
        string target = _root.File("existing");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "checkpoint.dwf"), "progress");

        using (var folder = OutputFolder.Open(target))
        {
            File.WriteAllText(folder.Stage("layers.csv"), "partial");
        }

        Assert.Equal(new[] { "checkpoint.dwf" }, Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
    }

    [Fact]
    public void Staging_left_by_a_killed_process_is_removed_and_a_live_one_is_kept()
    {
        string target = _root.File("crashed");
        string dead = Path.Combine(target, ".dwf-staging-" + int.MaxValue + "-deadbeef");
        string live = Path.Combine(target, ".dwf-staging-" + Environment.ProcessId + "-cafecafe");
        Directory.CreateDirectory(dead);
        Directory.CreateDirectory(live);
        File.WriteAllText(Path.Combine(dead, "weight-histogram.png"), "half");

        using (OutputFolder.Open(target))
        {
            Assert.False(Directory.Exists(dead));
            Assert.True(Directory.Exists(live));
        }
    }

    [Theory]
    [InlineData("../escape.csv")]
    [InlineData(".hidden")]
    public void Staged_names_must_be_plain_visible_file_names(string name)
    {
        using var folder = OutputFolder.Open(_root.File("names"));
        Assert.Throws<ArgumentException>(() => folder.Stage(name));
    }
}
