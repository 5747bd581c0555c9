using System;
using System.IO;
using System.Text;
using Dwf.Serialization;
using Xunit;

namespace Dwf.Tests.Serialization;

public sealed class AtomicWriteTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dwf-atomic").FullName;

    [Fact]
    public void ASuccessfulWriteRemovesTemporariesLeftByAKilledWriterButNotFreshOnes()
    {
        string target = Path.Combine(_directory, "run.ckpt");
        string stale = Path.Combine(_directory, ".run.ckpt.0123456789abcdef.tmp");
        string fresh = Path.Combine(_directory, ".run.ckpt.fedcba9876543210.tmp");
        string other = Path.Combine(_directory, ".other.ckpt.0123456789abcdef.tmp");
        foreach (var file in new[] { stale, fresh, other })
        {
            File.WriteAllText(file, "half-written");
        }

        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - StateDictFile.StaleTemporaryAge - TimeSpan.FromMinutes(1));
        File.SetLastWriteTimeUtc(other, DateTime.UtcNow - StateDictFile.StaleTemporaryAge - TimeSpan.FromMinutes(1));

        StateDictFile.AtomicWrite(target, writer => writer.Write(Encoding.UTF8.GetBytes("complete")));

        Assert.Equal("complete", File.ReadAllText(target));
        Assert.False(File.Exists(stale), "a stale temporary of the same target is removed");
        Assert.True(File.Exists(fresh), "a recent one may belong to a writer that is still running");
        Assert.True(File.Exists(other), "other targets' temporaries are not touched");
    }

    [Fact]
    public void AFailedWriteKeepsThePreviousFileAndLeavesNoTemporary()
    {
        string target = Path.Combine(_directory, "results.csv");
        File.WriteAllText(target, "previous");
        Assert.Throws<InvalidOperationException>(() => StateDictFile.AtomicWrite(target, writer =>
        {
            writer.Write(Encoding.UTF8.GetBytes("partial"));
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal("previous", File.ReadAllText(target));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
