using System.Threading.Tasks;
using Dwf.Analyzers.Analyzers;
using Dwf.Analyzers.CodeFixes;
using Dwf.Generators.Tests.Analyzers.Infrastructure;
using Xunit;

namespace Dwf.Generators.Tests.Analyzers.CodeFixes;

/// <summary>DWF017 fix: layer.forward(x) becomes layer.call(x).</summary>
public sealed class UseCallCodeFixTests
{
    [Fact]
    public Task Replaces_forward_by_call_keeping_the_expression() =>
        CodeFixVerifier<SubmoduleForwardAnalyzer, UseCallCodeFixProvider>.VerifyAsync(
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Conv2d conv = Conv2d(1, 4, 3);
                private readonly BatchNorm2d norm = BatchNorm2d(4);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => functional.relu(norm.{|DWF017:forward|}(conv.{|DWF017:forward|}(x)));
            }
            """,
            """
            [Factorize]
            public partial class Net : Module<Tensor, Tensor>
            {
                private readonly Conv2d conv = Conv2d(1, 4, 3);
                private readonly BatchNorm2d norm = BatchNorm2d(4);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => functional.relu(norm.call(conv.call(x)));
            }
            """);
}
