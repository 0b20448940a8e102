using Finsam.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Finsam.Cluster.Tests;

/// <summary>
/// One configuration story for silo and client: appsettings.json, then FINSAM_ environment variables, then
/// switches; validated at start; the connection string from the environment or a file, its password never shown.
/// The process tests need no database: an unreachable port (1) shows what the program would have connected to.
/// </summary>
public sealed class ConfigurationTests : IDisposable
{
    private const string Password = "pw-7f3a9c1e-never-shown";
    private readonly string _dir = Directory.CreateTempSubdirectory("finsam-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Unreachable(string database) => $"Host=127.0.0.1;Port=1;Username=finsam;Password={Password};Database={database};Timeout=3";

    [Fact]
    public async Task The_environment_overrides_appsettings_and_a_switch_overrides_the_environment()
    {
        // appsettings.json (shipped next to the silo) says 11111; the environment says 70000.
        var (exit, output) = await Silo(new() { ["FINSAM_Cluster__SiloPort"] = "70000" }, "--http-port", "0", "--dashboard-port", "0");
        Assert.Equal(2, exit);
        Assert.Contains("Cluster:SiloPort (--silo-port) 70000 is not a TCP port", output, StringComparison.Ordinal);

        (exit, output) = await Silo(new() { ["FINSAM_Cluster__SiloPort"] = "70000" }, "--silo-port", "70001", "--http-port", "0", "--dashboard-port", "0");
        Assert.Equal(2, exit);
        Assert.Contains("Cluster:SiloPort (--silo-port) 70001 is not a TCP port", output, StringComparison.Ordinal);
        Assert.DoesNotContain("70000", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_configuration_stops_the_silo_at_start_naming_every_problem()
    {
        var (exit, output) = await Silo([], "--http-port", "8099", "--http-bind", "0.0.0.0", "--telemetry", "bogus", "--dashboard-port", "0");
        Assert.Equal(2, exit);
        Assert.Contains("invalid configuration", output, StringComparison.Ordinal);
        Assert.Contains("The HTTP API would listen on 0.0.0.0", output, StringComparison.Ordinal);
        Assert.Contains("Telemetry:Exporter (--telemetry) 'bogus'", output, StringComparison.Ordinal);

        (exit, output) = await Silo([], "--cluster", "postgres", "--http-port", "0", "--dashboard-port", "0");
        Assert.Equal(2, exit);
        Assert.Contains("needs a connection string", output, StringComparison.Ordinal);

        (exit, output) = await Silo([], "--no-such-switch", "1");
        Assert.Equal(2, exit);
        Assert.Contains("unknown argument '--no-such-switch'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_silo_reads_the_connection_string_from_a_file_and_never_prints_its_password()
    {
        var file = Path.Combine(_dir, "connection");
        await File.WriteAllTextAsync(file, Unreachable("fromfile") + "\n");
        var (exit, output) = await Silo([], "--cluster", "postgres", "--connection-file", file, "--http-port", "0", "--dashboard-port", "0");
        Assert.Equal(1, exit);
        Assert.Contains("cannot use Host=127.0.0.1;Port=1;Database=fromfile;Username=finsam", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);

        // db init, with the file named by the environment.
        (exit, output) = await Silo(new() { [FinsamConfiguration.ConnectionFileVariable] = file }, "db", "init");
        Assert.Equal(1, exit);
        Assert.Contains("db init failed on Host=127.0.0.1;Port=1;Database=fromfile", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_takes_the_connection_string_from_FINSAM_CONNECTION_and_never_prints_its_password()
    {
        var (exit, output) = await Client(new() { [FinsamConfiguration.ConnectionVariable] = Unreachable("fromenv") }, "db", "init");
        Assert.NotEqual(0, exit);
        Assert.Contains("127.0.0.1:1", output, StringComparison.Ordinal); // it tried the server the variable names
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);

        // Without any connection string the command stops before it starts, saying where one can come from.
        (exit, output) = await Client([], "run", "scenarios/example-forbund.yaml", "--cluster", "postgres", "--replicates", "2");
        Assert.NotEqual(0, exit);
        Assert.Contains(FinsamConfiguration.ConnectionVariable, output, StringComparison.Ordinal);
        Assert.Contains("--connection-file", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_later_source_decides_between_a_connection_string_and_a_connection_file()
    {
        var file = Path.Combine(_dir, "connection");
        File.WriteAllText(file, "Host=from-file;Database=f\n");
        var direct = new Dictionary<string, string?> { ["Cluster:ConnectionString"] = "Host=direct;Database=d" };
        var viaFile = new Dictionary<string, string?> { ["Cluster:ConnectionFile"] = file };

        var fileLast = new ConfigurationBuilder().AddInMemoryCollection(direct).AddInMemoryCollection(viaFile).Build();
        Assert.Equal("Host=from-file;Database=f", FinsamConfiguration.GetClusterOptions(fileLast).ConnectionString);

        var directLast = new ConfigurationBuilder().AddInMemoryCollection(viaFile).AddInMemoryCollection(direct).Build();
        Assert.Equal("Host=direct;Database=d", FinsamConfiguration.GetClusterOptions(directLast).ConnectionString);

        var both = new ConfigurationBuilder().AddInMemoryCollection(direct.Concat(viaFile)).Build();
        Assert.Throws<ArgumentException>(() => FinsamConfiguration.GetClusterOptions(both));

        var passwordFile = Path.Combine(_dir, "password");
        File.WriteAllText(passwordFile, Password + "\n");
        var withPassword = new ConfigurationBuilder().AddInMemoryCollection(direct)
            .AddInMemoryCollection([new("Cluster:PasswordFile", passwordFile)]).Build();
        var connection = FinsamConfiguration.GetClusterOptions(withPassword).ConnectionString!;
        Assert.Equal(Password, new Npgsql.NpgsqlConnectionStringBuilder(connection).Password);
        Assert.DoesNotContain(Password, ConnectionStrings.Describe(connection), StringComparison.Ordinal);
    }

    [Fact]
    public void Error_texts_are_cleaned_of_the_connection_string_and_its_password()
    {
        var connection = Unreachable("x");
        var text = $"could not open '{connection}' (password {Password})";
        var redacted = ConnectionStrings.Redact(text, connection);
        Assert.DoesNotContain(Password, redacted, StringComparison.Ordinal);
        Assert.Contains("Host=127.0.0.1;Port=1;Database=x", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ConnectionStrings.Redact("x", "Host=a;Bad Key=1;Password=" + Password) + ConnectionStrings.Problem("Host=a;Bad Key=1;Password=" + Password), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_with_invalid_options_does_not_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Http:Port", "70000"), new("Dashboard:Port", "-1")]).Build();
        builder.Services.AddFinsamOptions(configuration);
        using var host = builder.Build();
        // ValidateOnStart: every section's failures, one OptionsValidationException each.
        var e = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync());
        var failures = e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(x => x.Failures).ToList();
        Assert.Contains("Http:Port (--http-port) 70000 is not a TCP port.", failures);
        Assert.Contains("Dashboard:Port (--dashboard-port) -1 is not a TCP port.", failures);
    }

    private static Task<(int Exit, string Output)> Silo(Dictionary<string, string> environment, params string[] args) =>
        FinsamCli.RunDllAsync(SiloProcess.SiloDll, Path.GetDirectoryName(SiloProcess.SiloDll)!, environment, TimeSpan.FromMinutes(1), args);

    private static Task<(int Exit, string Output)> Client(Dictionary<string, string> environment, params string[] args) =>
        FinsamCli.RunDllAsync(FinsamCli.Dll, Simulation.RepoRoot, environment, TimeSpan.FromMinutes(1), args);
}
