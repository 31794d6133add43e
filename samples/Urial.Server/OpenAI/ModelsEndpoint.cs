using System.ClientModel.Primitives;
using OpenAI.Models;
using Urial.SemanticKernel;

namespace Urial.Server.OpenAI;

/// <summary><c>GET /v1/models</c>: the one model this server answers with, serialized by the OpenAI SDK's own model types.</summary>
internal static class ModelsEndpoint
{
    private static readonly DateTimeOffset s_started = DateTimeOffset.UtcNow;

    public static IResult Handle(IUrialEngine engine)
    {
        var models = OpenAIModelsModelFactory.OpenAIModelCollection([OpenAIModelsModelFactory.OpenAIModel(engine.ModelId, s_started, "urial")]);
        return Results.Text(ModelReaderWriter.Write(models).ToString(), "application/json");
    }
}
