namespace Dwf.Generators.Tests.Analyzers.Infrastructure;

/// <summary>Test sources shared by the option analyzers' tests.</summary>
internal static class OptionSources
{
    /// <summary>A factorized class with one attributed Linear field: <c>[Factorize{classArguments}]</c> on the class, <c>[Factorize{fieldArguments}]</c> on the field.</summary>
    public static string NetWithAttributedField(string classArguments, string fieldArguments = "") => $$"""
        [Factorize{{classArguments}}]
        public partial class Net : Module<Tensor, Tensor>
        {
            [Factorize{{fieldArguments}}] private readonly Linear fc = Linear(4, 2);
            public Net() : base(nameof(Net)) => RegisterComponents();
            public override Tensor forward(Tensor x) => fc.call(x);
        }
        """;
}
