using Npgsql;

namespace Finsam.Silo;

/// <summary>
/// PostgreSQL connection strings as Finsam handles them: read from a file when asked, and never shown
/// whole — only host, port, database and user, and any error text is cleaned of the password.
/// </summary>
public static class ConnectionStrings
{
    private const string Hidden = "***";

    /// <summary>Host, port, database and user of a connection string: what may appear in logs and errors.</summary>
    public static string Describe(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return "(no connection string)";
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            var user = string.IsNullOrEmpty(b.Username) ? "" : $";Username={b.Username}";
            return $"Host={b.Host};Port={b.Port};Database={b.Database}{user}";
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }

    /// <summary>Why Npgsql refuses the connection string, without quoting it; null when it is accepted.</summary>
    public static string? Problem(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException e)
        {
            return Redact(e.Message, connectionString);
        }
    }

    /// <summary><paramref name="text"/> with the connection string and its password replaced by ***.</summary>
    public static string Redact(string text, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrEmpty(connectionString)) return text;
        text = text.Replace(connectionString, Describe(connectionString), StringComparison.Ordinal);
        string? password = null;
        try
        {
            password = new NpgsqlConnectionStringBuilder(connectionString).Password;
        }
        catch (ArgumentException)
        {
            // Unparsable: look for the password by hand below.
        }
        foreach (var part in connectionString.Split(';'))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq].Trim() is var key && (key.Equals("Password", StringComparison.OrdinalIgnoreCase) || key.Equals("Pwd", StringComparison.OrdinalIgnoreCase)))
                password ??= part[(eq + 1)..].Trim();
        }
        return string.IsNullOrEmpty(password) ? text : text.Replace(password, Hidden, StringComparison.Ordinal);
    }

    /// <summary>
    /// The connection string of <paramref name="options"/> with what its files add: the whole string from
    /// <see cref="FinsamClusterOptions.ConnectionFile"/> when the settings chose it, the password from
    /// <see cref="FinsamClusterOptions.PasswordFile"/>.
    /// </summary>
    internal static void ReadFiles(FinsamClusterOptions options, bool fileWins)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionFile) && (fileWins || string.IsNullOrWhiteSpace(options.ConnectionString)))
            options.ConnectionString = ReadSecret(options.ConnectionFile, "Cluster:ConnectionFile (--connection-file)");
        if (!string.IsNullOrWhiteSpace(options.PasswordFile))
        {
            var password = ReadSecret(options.PasswordFile, "Cluster:PasswordFile (--password-file)");
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                throw new ArgumentException("Cluster:PasswordFile (--password-file) needs a connection string to add the password to.");
            try
            {
                options.ConnectionString = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Password = password }.ConnectionString;
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Cluster:ConnectionString is not a PostgreSQL connection string: {Redact(e.Message, options.ConnectionString)}", e);
            }
        }
    }

    private static string ReadSecret(string path, string setting)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ArgumentException($"{setting}: cannot read '{path}': {e.Message}", e);
        }
        // A trailing newline is how editors and `echo` end files; it is not part of the secret.
        text = text.Trim();
        if (text.Length == 0) throw new ArgumentException($"{setting}: '{path}' is empty.");
        return text;
    }
}
