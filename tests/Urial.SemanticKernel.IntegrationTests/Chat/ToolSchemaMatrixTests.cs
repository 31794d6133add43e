using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;

namespace Urial.SemanticKernel.IntegrationTests.Chat;

/// <summary>
/// Issue 11: an ordinary .NET tool must never make a request fail. Every parameter shape that AIFunctionFactory and
/// Semantic Kernel's KernelFunctionFactory produce for the BCL types and the DataAnnotations attributes is accepted in
/// Auto, Required and None modes on the real model; a required call's arguments are valid against the advertised schema
/// (JsonSchema.Net), or carry the error of a keyword the grammar leaves to validation.
/// </summary>
public sealed class ToolSchemaMatrixTests(SharedChatClient fixture) : IClassFixture<SharedChatClient>
{
    public enum Color { Red, Green, Blue }

    public sealed record Address(string Street, int Number);

    public sealed record Person(string Name, Address Home, Address? Work);

    private static readonly Dictionary<string, Delegate> Cases = new()
    {
        ["int"] = (int value) => value,
        ["long"] = (long value) => value,
        ["double"] = (double value) => value,
        ["decimal"] = (decimal value) => value,
        ["bool"] = (bool value) => value,
        ["char"] = (char value) => value,
        ["string"] = (string value) => value,
        ["enum"] = (Color value) => value,
        ["DateTime"] = (DateTime value) => value,
        ["DateTimeOffset"] = (DateTimeOffset value) => value,
        ["TimeSpan"] = (TimeSpan value) => value,
        ["Guid"] = (Guid value) => value,
        ["Uri"] = (Uri value) => value,
        ["array"] = (int[] value) => value.Length,
        ["list"] = (List<string> value) => value.Count,
        ["dictionary"] = (Dictionary<string, int> value) => value.Count,
        ["nullable"] = (int? value) => value,
        ["record"] = (Address value) => value.Street,
        ["nested-record"] = (Person value) => value.Name,
        ["Range"] = ([Range(5, 5000)] int value) => value,
        ["Length"] = ([Length(2, 5)] string value) => value,
        ["MinLength"] = ([MinLength(2)] string value) => value,
        ["MaxLength"] = ([MaxLength(3)] string value) => value,
        ["RegularExpression"] = ([RegularExpression("^[a-z]{2,4}$")] string value) => value,
        ["AllowedValues"] = ([AllowedValues("north", "south")] string value) => value,
        ["DeniedValues"] = ([DeniedValues("admin", "root")] string value) => value,
        ["Base64String"] = ([Base64String] string value) => value,
        ["EmailAddress"] = ([EmailAddress] string value) => value,
        ["Url"] = ([Url] string value) => value,
    };

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var name in Cases.Keys)
        {
            foreach (var factory in (string[])["AIFunctionFactory", "KernelFunctionFactory"])
            {
                foreach (var mode in (string[])["Auto", "Required", "None"])
                {
                    data.Add(name, factory, mode);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task The_tool_is_accepted(string name, string factory, string mode)
    {
        var function = factory == "AIFunctionFactory"
            ? AIFunctionFactory.Create(Cases[name], "Tool_Probe", "A probe.")
            : KernelFunctionFactory.CreateFromMethod(Cases[name], "Probe", "A probe.").WithKernel(new Kernel());
        var options = new ChatOptions
        {
            Tools = [function],
            ToolMode = mode switch { "Auto" => ChatToolMode.Auto, "Required" => ChatToolMode.RequireAny, _ => ChatToolMode.None },
            MaxOutputTokens = 200,
            Temperature = 1,
            Seed = 3,
        };

        var response = await fixture.Client.GetResponseAsync("Use the tool.", options, TestContext.Current.CancellationToken);

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.DoesNotContain("tool_call", response.Text, StringComparison.Ordinal);
        if (mode == "None")
        {
            Assert.Empty(calls);
        }

        if (mode == "Required")
        {
            var call = Assert.Single(calls);
            var schema = Json.Schema.JsonSchema.FromText(function.JsonSchema.GetRawText(), new Json.Schema.BuildOptions { Dialect = Json.Schema.Dialect.Draft202012, SchemaRegistry = new Json.Schema.SchemaRegistry() });
            if (call.Exception is null)
            {
                var arguments = JsonSerializer.SerializeToElement(call.Arguments);
                Assert.True(schema.Evaluate(arguments, new Json.Schema.EvaluationOptions { RequireFormatValidation = true }).IsValid, arguments.GetRawText());
            }
            else
            {
                // Only a keyword the grammar leaves to validation can fail (here: DeniedValues' "not").
                Assert.Contains("'not'", call.Exception.Message, StringComparison.Ordinal);
            }
        }
    }
}
