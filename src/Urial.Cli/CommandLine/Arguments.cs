using System.Globalization;

namespace Urial.Cli;

/// <summary>The options of one command: <c>--name value</c> pairs and <c>--flag</c>s, each read at most once and checked for leftovers.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private Arguments()
    {
    }

    /// <summary>Parses <paramref name="args"/>; names in <paramref name="flags"/> take no value.</summary>
    public static Arguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> flags)
    {
        var result = new Arguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new CliException($"Unexpected argument '{arg}'; options start with '--'.");
            }

            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (!flags.Contains(name))
            {
                if (i + 1 >= args.Count)
                {
                    throw new CliException($"Option '--{name}' needs a value.");
                }

                value = args[++i];
            }

            if (!result._values.TryAdd(name, value))
            {
                throw new CliException($"Option '--{name}' is given twice.");
            }
        }

        return result;
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        return _values.ContainsKey(name);
    }

    public string? Optional(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value : null;
    }

    public string Required(string name) =>
        Optional(name) ?? throw new CliException($"Option '--{name}' is required.");

    public int? OptionalInt(string name, int minimum)
    {
        var text = Optional(name);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum)
        {
            throw new CliException($"Option '--{name}' must be an integer of at least {minimum}, not '{text}'.");
        }

        return value;
    }

    /// <summary>Throws for any option that no command read: a typo must not be silently ignored.</summary>
    public void EnsureAllRead()
    {
        foreach (var name in _values.Keys)
        {
            if (!_read.Contains(name))
            {
                throw new CliException($"Unknown option '--{name}'.");
            }
        }
    }
}
