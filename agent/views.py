from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agent.forms import ScriptForm, VoiceUploadForm
from agent.selectors import script_preview_line, script_preview_lines
from agent.services import VoiceUploadError, voice_add
from agent.speech.tts import VoiceError, wav_of
from callscripts.checks import script_problem_lines
from callscripts.library import library_scripts, script_from_library
from callscripts.models import Script
from callscripts.selectors import script_list
from callscripts.services import ScriptNameTakenError, script_create, script_make_default, script_update
from callscripts.voices import voice_file, voice_names, voice_unknown
from issetter.tenancy import get_for_office


@require_GET
def script_index(request: HttpRequest) -> HttpResponse:
    context = {"scripts": script_list(office=request.office), "library": library_scripts()}
    return render(request, "agent/script_list.html", context)


@require_POST
def script_from_template(request: HttpRequest, key: str) -> HttpResponse:
    try:
        script = script_from_library(office=request.office, key=key)
    except KeyError:
        raise Http404("No such script in the library.") from None
    messages.success(
        request, f"Script {script.name} made from the library: read it through and adjust it to your office."
    )
    return redirect("agent:script_edit", pk=script.pk)


@require_GET
def script_detail(request: HttpRequest, pk: int) -> HttpResponse:
    script = get_for_office(Script, request.office, pk=pk)
    context = {
        "script": script,
        "preview": script_preview_lines(script=script),
        "problems": script_problem_lines(script),  # stored before the checks: shown, and calls set it aside
    }
    return render(request, "agent/script_detail.html", context)


@require_http_methods(["GET", "POST"])
def script_new(request: HttpRequest) -> HttpResponse:
    form = ScriptForm(request.POST or None, office=request.office)
    if request.method == "POST" and form.is_valid():
        try:
            script = script_create(office=request.office, values=form.cleaned_data)
        except ScriptNameTakenError as problem:
            form.add_error("name", str(problem))
        else:
            messages.success(request, f"Script {script.name} saved.")
            return redirect("agent:script_detail", pk=script.pk)
    return render(request, "agent/script_form.html", {"form": form, "script": None})


@require_http_methods(["GET", "POST"])
def script_edit(request: HttpRequest, pk: int) -> HttpResponse:
    script = get_for_office(Script, request.office, pk=pk)
    form = ScriptForm(request.POST or None, office=request.office, script=script)
    if request.method == "POST" and form.is_valid():
        try:
            script_update(script=script, values=form.cleaned_data)
        except ScriptNameTakenError as problem:
            form.add_error("name", str(problem))
        else:
            messages.success(request, f"Script {script.name} saved.")
            return redirect("agent:script_detail", pk=script.pk)
    return render(request, "agent/script_form.html", {"form": form, "script": script})


@require_POST
def script_default(request: HttpRequest, pk: int) -> HttpResponse:
    script = script_make_default(script=get_for_office(Script, request.office, pk=pk))
    messages.success(request, f"{script.name} is now the office's default script.")
    return redirect("agent:script_detail", pk=script.pk)


@require_GET
def script_preview(request: HttpRequest, pk: int, line: str) -> HttpResponse:
    """One line of the script, filled in for a sample customer and spoken by the script's voice (WAV)."""
    script = get_for_office(Script, request.office, pk=pk)
    preview = script_preview_line(script=script, key=line)
    if preview is None or not preview.heard:
        raise Http404("This script has no such line.")
    voice = voice_file(office_id=script.office_id, name=script.voice)
    try:
        if voice is None:
            raise VoiceError(voice_unknown(str(script.voice)))
        audio = wav_of(preview.heard, voice)
    except VoiceError as problem:
        return HttpResponse(str(problem), status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(audio, content_type="audio/wav", headers={"Cache-Control": "no-store"})


@require_http_methods(["GET", "POST"])
def voice_index(request: HttpRequest) -> HttpResponse:
    """The voices the office's scripts may use, and a form to add the office's own."""
    form = VoiceUploadForm(request.POST or None, request.FILES or None, office=request.office)
    if request.method == "POST" and form.is_valid():
        try:
            name = voice_add(office=request.office, **form.cleaned_data)
        except VoiceUploadError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"Voice {name} added: scripts can use it now.")
            return redirect("agent:voice_list")
    voices = voice_names(office_id=request.office.pk)
    return render(request, "agent/voice_list.html", {"voices": voices, "form": form})
