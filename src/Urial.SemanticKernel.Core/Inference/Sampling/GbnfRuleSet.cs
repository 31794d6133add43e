using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// An ordered set of GBNF rules with deterministic, deduplicated names: a rule whose body already exists is not
/// added again (its existing name is returned), and a taken name gets a numeric suffix.
/// </summary>
internal sealed class GbnfRuleSet
{
    private readonly List<(string Name, string Body)> _rules = [];
    private readonly Dictionary<string, string> _nameByBody = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Adds a rule (or finds an identical one) and returns its name.</summary>
    /// <param name="hint">A name hint; sanitized to <c>[a-z0-9-]</c>.</param>
    /// <param name="body">The rule's right-hand side.</param>
    public string Add(string hint, string body)
    {
        if (_nameByBody.TryGetValue(body, out var existing))
        {
            return existing;
        }

        var name = Reserve(hint);
        _rules.Add((name, body));
        _nameByBody[body] = name;
        return name;
    }

    /// <summary>Reserves a unique name (for a rule whose body is set later with <see cref="Define"/>).</summary>
    public string Reserve(string hint)
    {
        var baseName = GbnfText.RuleName(hint);
        var name = baseName;
        for (var i = 2; !_names.Add(name); i++)
        {
            name = baseName + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }

    /// <summary>Defines the body of a name obtained from <see cref="Reserve"/>.</summary>
    public void Define(string name, string body)
    {
        _rules.Add((name, body));
        _nameByBody.TryAdd(body, name);
    }

    /// <summary>Gets the number of rules defined so far.</summary>
    public int Count => _rules.Count;

    /// <summary>Whether a rule with this exact name exists.</summary>
    public bool Contains(string name) => _names.Contains(name);

    /// <summary>Writes the grammar, <c>root</c> first, then the other rules in the order they were added.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (name, body) in _rules.Where(r => r.Name == "root").Concat(_rules.Where(r => r.Name != "root")))
        {
            sb.Append(name).Append(" ::= ").Append(body).Append('\n');
        }

        return sb.ToString();
    }
}
