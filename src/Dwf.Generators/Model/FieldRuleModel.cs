namespace Dwf.Generators.Model;

/// <summary>A <c>[Dense]</c> or field-level <c>[Factorize]</c> rule, keyed by the field's registered name.</summary>
/// <param name="RegisteredName">The name TorchSharp registers the field under: its <c>[ComponentName]</c>, else the field name.</param>
/// <param name="IsDense">True for <c>[Dense]</c>.</param>
/// <param name="Options">The field's explicit options (empty for <c>[Dense]</c>).</param>
internal sealed record FieldRuleModel(string RegisteredName, bool IsDense, FactorizationOptionsModel Options);
