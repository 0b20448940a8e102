using YamlDotNet.RepresentationModel;

namespace Finsam.Core.Loading;

/// <summary>Parses one YAML file (scenario, catalog or overlay) into its root mapping, reporting syntax errors at the right place.</summary>
internal static class ScenarioYamlParser
{
    public static YamlMappingNode? Parse(YamlReader r, string text)
    {
        // A file named after a person would carry the number into results and logs: refuse the name.
        if (PersonnummerGuard.Scan(Path.GetFileName(r.File)).Count > 0)
            r.Bag.Add(new SourcePos(r.File, 1, 1), "", "the file's name holds a Swedish personal identity number; rename the file — Finsam never stores identity numbers");
        if (!Guard(r, text)) return null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.AnchorNotFoundException e) when (AliasPosition(text, e.Message) is var (line, column, name))
        {
            // YamlDotNet reports an unknown alias at the start of the file; point at the alias itself.
            r.Bag.Add(new SourcePos(r.File, line, column), "", $"YAML syntax error: the alias '*{name}' names no anchor ('&{name}') above it");
            return null;
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            var msg = e.InnerException?.Message ?? e.Message;
            // YamlDotNet places tab errors at the start of the enclosing mapping; point at the tab instead.
            if (msg.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstIndentation(text, '\t') is var (tabLine, tabColumn))
            {
                r.Bag.Add(new SourcePos(r.File, tabLine, tabColumn), "", "YAML syntax error: a tab character in the indentation; YAML indents with spaces only");
                return null;
            }
            // A no-break space copied from a web page or a word processor looks like indentation but is not.
            if (FirstIndentation(text, '\u00A0') is var (nbspLine, nbspColumn))
            {
                r.Bag.Add(new SourcePos(r.File, nbspLine, nbspColumn), "", "YAML syntax error: a no-break space (U+00A0) in the indentation; indent with ordinary spaces");
                return null;
            }
            var open = UnclosedFlow(text);
            var hint = open is { } o && (o.Line, o.Column) != ((int)e.Start.Line, (int)e.Start.Column)
                ? $" (the '{o.Bracket}' at line {o.Line}, column {o.Column} is not closed)"
                : Hint(msg, text, (int)e.Start.Line, (int)e.Start.Column);
            // YamlDotNet's messages quote source text; mask identity numbers in them.
            r.Bag.Add(new SourcePos(r.File, (int)e.Start.Line, (int)e.Start.Column), "", $"YAML syntax error: {PersonnummerGuard.MaskAll(hint.Length > 0 ? Trim(msg).TrimEnd('.') : Trim(msg))}{hint}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails without a position on some unclosed '{' or '[' followed by more lines.
            var at = UnclosedFlow(text) is { } o
                ? (o.Line, o.Column, $"YAML syntax error: this '{o.Bracket}' is not closed with '{(o.Bracket == '{' ? '}' : ']')}'")
                : (1, 1, "YAML syntax error: the file cannot be read as YAML");
            r.Bag.Add(new SourcePos(r.File, at.Item1, at.Item2), "", at.Item3);
            return null;
        }
        if (stream.Documents.Count == 0)
        {
            r.Bag.Add(new SourcePos(r.File, 1, 1), "", "the file is empty");
            return null;
        }
        if (stream.Documents.Count > 1)
            r.Bag.Add(r.Pos(stream.Documents[1].RootNode), "", "expected one YAML document, found several ('---' separators)");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            r.Error(stream.Documents[0].RootNode, "", $"expected the file to be a mapping of sections (forbund:, horizon:, …), found {YamlReader.Describe(stream.Documents[0].RootNode)}");
            return null;
        }
        // Keys are names everywhere in the format; a list or mapping used as a key ("? [a, b]: 1") is refused up front.
        var complexKeys = stream.Documents[0].AllNodes.OfType<YamlMappingNode>()
            .SelectMany(m => m.Children.Keys).Where(k => k is not YamlScalarNode).ToList();
        foreach (var key in complexKeys)
            r.Error(key, "", $"expected a name as key, found {YamlReader.Describe(key)}");
        return complexKeys.Count == 0 ? root : null;
    }

    /// <summary>
    /// What every YAML file is checked for before it is parsed (scenario, catalog, overlay, priors, valuation
    /// catalog, evidence): identity numbers (reported masked; reading goes on so other problems show too), control
    /// characters and the work budget (either stops the parse). False when the text must not be parsed.
    /// </summary>
    internal static bool Guard(YamlReader r, string text, string what = "a scenario")
    {
        foreach (var f in PersonnummerGuard.Scan(text))
            r.Bag.Add(new SourcePos(r.File, f.Line, f.Column), "",
                $"a Swedish personal identity number ({f.Masked}) is not allowed in {what}; remove it — Finsam never stores identity numbers");
        // Control characters are not YAML (only tab, line feed and carriage return are): refused before the
        // parser sees them, so none reaches a terminal, a report or a log (an ESC could rewrite the screen).
        if (ControlCharacters(r, text)) return false;
        // The work budget first: an alias bomb or thousands of nested brackets never reach the tree builder.
        return YamlLimits.Check(r.File, text, r.Bag);
    }

    /// <summary>What a new user most likely did, for YamlDotNet's terser syntax errors.</summary>
    private static string Hint(string message, string text, int line, int column)
    {
        if (message.Contains("found invalid mapping", StringComparison.Ordinal))
            return " (a value holding ': ' must be in quotes, or this line is indented more than its section)";
        if (message.Contains("incompatible YAML document", StringComparison.Ordinal))
            return " (only YAML 1.1 and 1.2 are read: remove the %YAML line)";
        var lines = text.Split('\n');
        var here = line >= 1 && line <= lines.Length ? lines[line - 1] : "";
        if (message.Contains("cannot start any token", StringComparison.Ordinal) && column >= 1 && column <= here.Length && here[column - 1] is '`' or '@')
            return here.TrimStart().StartsWith("```", StringComparison.Ordinal)
                ? " (remove the Markdown code fence ``` around the YAML)" : $" (a value cannot start with '{here[column - 1]}': put it in quotes)";
        if (here.IndexOf(':', StringComparison.Ordinal) > 1024)
            return " (a key may be at most 1024 characters)";
        return "";
    }

    /// <summary>Reports the first few control characters (C0 except tab, LF and CR; DEL; C1 except NEL); true when there was one.</summary>
    private static bool ControlCharacters(YamlReader r, string text)
    {
        int line = 1, lineStart = 0, found = 0;
        for (var i = 0; i < text.Length && found < 10; i++)
        {
            var c = text[i];
            if (c == '\n') { line++; lineStart = i + 1; continue; }
            if (!IsRefusedControl(c)) continue;
            found++;
            r.Bag.Add(new SourcePos(r.File, line, i - lineStart + 1), "",
                $"a control character (U+{(int)c:X4}) is not allowed in YAML; remove it (only tabs and line breaks may appear)");
        }
        return found > 0;
    }

    internal static bool IsRefusedControl(char c) =>
        c is < ' ' and not ('\t' or '\n' or '\r') || c == '\u007F' || c is >= '\u0080' and <= '\u009F' and not '\u0085';

    /// <summary>Where the alias an "anchor 'x' does not exist" error names is used, if it can be found.</summary>
    private static (int Line, int Column, string Name)? AliasPosition(string text, string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, "anchor '(?<name>[^']+)'");
        if (!m.Success) return null;
        var name = m.Groups["name"].Value;
        // The first use outside a comment ('#' earlier on its line).
        for (var at = text.IndexOf("*" + name, StringComparison.Ordinal); at >= 0; at = text.IndexOf("*" + name, at + 1, StringComparison.Ordinal))
        {
            var lineStart = at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1;
            if (text.AsSpan(lineStart, at - lineStart).Contains('#')) continue;
            return (1 + text.AsSpan(0, at).Count('\n'), at - lineStart + 1, name);
        }
        return null;
    }

    /// <summary>Line and column of the first <paramref name="c"/> (a tab, a no-break space) in a line's indentation, if any.</summary>
    private static (int Line, int Column)? FirstIndentation(string text, char c)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t', '\u00A0').Length;
            var at = lines[i].IndexOf(c, StringComparison.Ordinal);
            if (at >= 0 && at < indent) return (i + 1, at + 1);
        }
        return null;
    }

    /// <summary>The innermost '{' or '[' still open where the YAML parser gave up, if any.</summary>
    private static (int Line, int Column, char Bracket)? UnclosedFlow(string text)
    {
        var open = new Stack<(YamlDotNet.Core.Mark Start, char Bracket)?>();
        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
                switch (parser.Current)
                {
                    case YamlDotNet.Core.Events.MappingStart ms:
                        open.Push(ms.Style == YamlDotNet.Core.Events.MappingStyle.Flow ? (ms.Start, '{') : null);
                        break;
                    case YamlDotNet.Core.Events.SequenceStart ss:
                        open.Push(ss.Style == YamlDotNet.Core.Events.SequenceStyle.Flow ? (ss.Start, '[') : null);
                        break;
                    case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                        open.TryPop(out _);
                        break;
                }
            return null;
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
        }
        // The stack enumerates innermost first.
        foreach (var f in open)
            if (f is { } flow) return ((int)flow.Start.Line, (int)flow.Start.Column, flow.Bracket);
        return null;
    }

    private static string Trim(string message)
    {
        // "(Line: 3, Col: 5, Idx: 20) - (Line: …): While scanning…" → keep the human part.
        var i = message.LastIndexOf("): ", StringComparison.Ordinal);
        return i >= 0 ? message[(i + 3)..] : message;
    }
}
