using Dwf.Numerics;

namespace Dwf.Tests.Numerics;

/// <summary>A oneDNN switch that only records what the self-check did to it.</summary>
internal sealed class FakeOneDnnSwitch : IOneDnnSwitch
{
    public FakeOneDnnSwitch(bool available = true) => IsAvailable = available;

    public bool IsAvailable { get; }

    public bool? IsEnabled => IsAvailable ? !Disabled : null;

    public bool Disabled { get; private set; }

    public int DisableCalls { get; private set; }

    public void Disable()
    {
        DisableCalls++;
        Disabled = true;
    }
}
