using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dwf.Analyzers.Syntax;

/// <summary>
/// Whether a constructor reaches <c>RegisterComponents()</c>. Syntax only: the call must be the virtual
/// one (<c>RegisterComponents()</c> or <c>this.RegisterComponents()</c>) so that it dispatches to the
/// generated override; <c>base.RegisterComponents()</c> would skip the factorization.
/// </summary>
internal static class RegisterComponentsCalls
{
    public const string MethodName = "RegisterComponents";

    /// <summary>True when the constructor neither calls RegisterComponents() nor delegates to another constructor of its class.</summary>
    public static bool NeedsCall(ConstructorDeclarationSyntax constructor) =>
        !constructor.Modifiers.Any(SyntaxKind.StaticKeyword)
        && !DelegatesToSibling(constructor)
        && !Calls(constructor);

    /// <summary><c>: this(...)</c>: the other constructor is responsible for the call.</summary>
    public static bool DelegatesToSibling(ConstructorDeclarationSyntax constructor) =>
        constructor.Initializer is { } initializer && initializer.IsKind(SyntaxKind.ThisConstructorInitializer);

    public static bool Calls(ConstructorDeclarationSyntax constructor)
    {
        SyntaxNode? body = (SyntaxNode?)constructor.Body ?? constructor.ExpressionBody;
        if (body is null)
        {
            return false;
        }

        // Calls inside lambdas and local functions may never run, so they do not count.
        foreach (var node in body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } invocation && IsVirtualRegisterComponents(invocation.Expression))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsVirtualRegisterComponents(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText == MethodName,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText == MethodName,
        _ => false,
    };
}
