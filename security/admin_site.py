"""The admin site: Django's, with a second factor at login (see security/second_factor.py).

It is the project's `admin.site` (security.apps.AdminConfig.default_site), so every `@admin.register` uses it.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from security.second_factor import SecondFactorAuthenticationForm, SecondFactorViews, must_enrol


class AdminSite(admin.AdminSite):
    login_form = SecondFactorAuthenticationForm
    login_template = "admin/second_factor/login.html"

    def has_permission(self, request):
        return super().has_permission(request) and not must_enrol(request.user)

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        if must_enrol(request.user):  # logged in with the password, but a second factor is required
            return redirect("admin:second_factor_enrol")
        return response

    def get_urls(self):
        views = SecondFactorViews(self)
        return [
            path("second-facteur/", self.staff_view(views.status), name="second_factor"),
            path("second-facteur/activer/", self.staff_view(views.enrol), name="second_factor_enrol"),
            # Open to a superuser who must still enrol, who may prefer to leave (admin_view would refuse).
            path("logout/", never_cache(self.logout), name="logout"),
            *super().get_urls(),
        ]

    def staff_view(self, view):
        """Like admin_view(), but open to a superuser who must still enrol."""

        def staff_only(request, *args, **kwargs):
            if not (request.user.is_active and request.user.is_staff):
                return redirect_to_login(
                    request.get_full_path(), reverse("admin:login", current_app=self.name)
                )
            return view(request, *args, **kwargs)

        return never_cache(login_required(staff_only, login_url="admin:login"))
