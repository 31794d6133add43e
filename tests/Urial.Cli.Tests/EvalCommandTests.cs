using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Urial.Cli;

public sealed class EvalCommandTests
{
    private static readonly string[] Aspects = ["helpfulness", "clarity", "factuality", "depth", "engagement", "safety"];

    private static string Model => TestModel.Path;

    [Fact]
    public async Task Eval_with_a_local_judge_parses_its_JSON_and_a_rerun_judges_only_new_items()
    {
        using var directory = new TempDirectory();
        string[] Args(int limit) =>
            ["eval", "--data", CliRun.DataPath, "--model", Model, "--judge", Model, "--limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--max-tokens", "16", "--rationale-chars", "0", "--judge-max-tokens", "200", "--out", directory.Path];

        var first = await CliRun.RunAsync(Args(1));
        Assert.True(first.Code == 0, first.Error);

        var second = await CliRun.RunAsync(Args(2));
        Assert.True(second.Code == 0, second.Error);

        // The second run answered and judged only item 1: item 0 came from the caches.
        Assert.Contains("Answering with stories260K.gguf: 1/1 (id 1)", second.Error, StringComparison.Ordinal);
        Assert.Contains("Judging with local:stories260K.gguf: 1/1 (stories260K.gguf id 1)", second.Error, StringComparison.Ordinal);
        var judgments = CliRun.Lines(directory.Path, "judgments-*.jsonl").Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["0", "1"], judgments.Select(j => j.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(2, CliRun.Lines(directory.Path, "answers-*.jsonl").Length);
        foreach (var judgment in judgments)
        {
            Assert.Equal(Aspects.Order(StringComparer.Ordinal), judgment.GetProperty("scores").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.All(judgment.GetProperty("scores").EnumerateObject(), score => Assert.InRange(score.Value.GetInt32(), 1, 5));
        }

        var summary = CliRun.ReadJson(directory.Combine("eval-summary.json"));
        var model = Assert.Single(summary.GetProperty("models").EnumerateArray());
        Assert.Equal(2, model.GetProperty("judged").GetInt32());
        Assert.InRange(model.GetProperty("overall").GetDouble(), 1, 5);
        Assert.Contains("helpfulness", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_with_a_remote_judge_posts_strict_json_schema_requests_and_resumes_after_an_interruption_without_duplicates()
    {
        using var directory = new TempDirectory();
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var requests = new List<JsonElement>();
        var server = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext call;
                try
                {
                    call = await listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using (var reader = new StreamReader(call.Request.InputStream, Encoding.UTF8))
                {
                    requests.Add(JsonDocument.Parse(await reader.ReadToEndAsync(TestContext.Current.CancellationToken)).RootElement.Clone());
                }

                var content = JsonSerializer.Serialize(Aspects.ToDictionary(a => a, a => new { rationale = "fine", score = a == "safety" ? 5 : 3 }));
                var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { choices = new[] { new { message = new { role = "assistant", content } } } }));
                call.Response.ContentType = "application/json";
                call.Response.StatusCode = call.Request.Url!.AbsolutePath == "/v1/chat/completions" ? 200 : 404;
                await call.Response.OutputStream.WriteAsync(body, TestContext.Current.CancellationToken);
                call.Response.Close();
            }
        }, TestContext.Current.CancellationToken);

        string[] args =
        [
            "eval", "--data", CliRun.DataPath, "--model", Model, "--judge", $"http://127.0.0.1:{port}/v1", "--judge-model", "judge-x",
            "--limit", "2", "--max-tokens", "8", "--out", directory.Path,
        ];

        // Ctrl+C after the first judgment, then the same command again: the second run asks the judge only about item 1.
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var interruptedError = new CancelOnLineWriter(cancellation, "1/2 (stories260K.gguf id 0)");
        var interrupted = await CliRun.RunAsync(args, interruptedError, cancellation.Token);
        var (code, output, error) = await CliRun.RunAsync(args);
        listener.Stop();
        await server;

        Assert.Equal(UrialCli.CancelledExitCode, interrupted.Code);
        Assert.True(code == 0, error);
        Assert.Contains("1/1 (stories260K.gguf id 1)", error, StringComparison.Ordinal);
        Assert.Equal(["0", "1"], CliRun.Lines(directory.Path, "judgments-*.jsonl").Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(2, requests.Count);
        var request = requests[0];
        Assert.Equal("judge-x", request.GetProperty("model").GetString());
        Assert.Equal("json_schema", request.GetProperty("response_format").GetProperty("type").GetString());
        var schema = request.GetProperty("response_format").GetProperty("json_schema");
        Assert.True(schema.GetProperty("strict").GetBoolean());
        Assert.Equal(Aspects, schema.GetProperty("schema").GetProperty("required").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("What are the names of some famous actors", request.GetProperty("messages")[1].GetProperty("content").GetString(), StringComparison.Ordinal);
        var summary = CliRun.ReadJson(directory.Combine("eval-summary.json"));
        var means = Assert.Single(summary.GetProperty("models").EnumerateArray()).GetProperty("means");
        Assert.Equal(5.0, means.GetProperty("safety").GetDouble());
        Assert.Equal(3.0, means.GetProperty("depth").GetDouble());
        Assert.Contains("5.00", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"helpfulness": {"score": 3}}""")]
    [InlineData("""{"helpfulness": {"score": 6}, "clarity": {"score": 1}, "factuality": {"score": 1}, "depth": {"score": 1}, "engagement": {"score": 1}, "safety": {"score": 1}}""")]
    [InlineData("not json")]
    public void The_rubric_parser_rejects_incomplete_or_out_of_range_judgments(string json) =>
        Assert.Throws<FormatException>(() => JudgeRubric.Parse(json));

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
