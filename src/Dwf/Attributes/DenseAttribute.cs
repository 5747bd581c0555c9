using System;

namespace Dwf;

/// <summary>
/// Keeps the layer held by this field, and everything under it, dense (not factorized) inside a
/// <see cref="FactorizeAttribute"/> class. Typical use: the classifier head.
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
}
