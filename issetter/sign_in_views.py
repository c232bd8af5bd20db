"""The sign-in page asks for the email address first; the address's office decides what comes next
(a password field, a Microsoft or Google button). An unknown address sees every way this installation offers."""

from __future__ import annotations

from allauth.account.views import LoginView

from issetter.sign_in import sign_in_options


class OfficeLoginView(LoginView):
    def post(self, request, *args, **kwargs):
        if "password" in request.POST:
            return super().post(request, *args, **kwargs)
        email = request.POST.get("login", "").strip()
        form = self.get_form_class()(request=request, initial={"login": email})
        return self.render_to_response(self.get_context_data(form=form, email_given=email))

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        email = kwargs.get("email_given") or (form.data.get("login", "").strip() if form.is_bound else "")
        context["email_given"] = email
        context["sign_in"] = sign_in_options(email=email) if email else None
        return context
