; Giảm nghèo Desktop — Windows installer (NSIS 3, Unicode, Modern UI 2, Vietnamese).
; Built by packaging/build.py (on Windows after the PyInstaller bundle, or with --nsis-only DIR
; anywhere makensis runs), or by hand:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DSOURCE_DIR=dist\GiamNgheo ^
;            -DOUTFILE=dist\GiamNgheo-Setup-0.1.0.exe -DICON=resources\icons\app.ico packaging\installer.nsi
; build.py checks VERSION (X.Y.Z) and that SOURCE_DIR holds GiamNgheo.exe before calling makensis.
;
; Installs for the current user only (no administrator rights needed on commune laptops).
; Refuses, with a Vietnamese message (or an exit code when silent):
;   exit 3  Windows older than 10, or 32-bit Windows (Qt 6 cannot start there);
;   exit 4  the program is running (named mutex held by the app) — close it and retry;
;   exit 5  a newer version is installed and the downgrade was not confirmed
;           (silent: only with /ALLOWDOWNGRADE);
;   exit 6  the old program files could not be removed (in use, e.g. an old version without the
;           mutex is running): nothing new was copied (and nothing removed when GiamNgheo.exe is locked).
; Switches: /S (silent: no window, no message box), /D=C:\path (install folder, last, no quotes),
;           /ALLOWDOWNGRADE. The uninstaller: Uninstall.exe /S (silent).
; The user's data (%APPDATA%\GiamNgheoDesktop: database, backups, logs, exports) and the app's
; settings (HKCU\Software\GiamNgheoDesktop\giamngheo-desktop) are never touched by the installer
; and are NOT deleted on uninstall.

Unicode true
SetCompressor /SOLID lzma
!ifdef TARGET_AMD64
  ; Only for testing the installer's logic under a 64-bit-only wine; the shipped installer
  ; uses the default x86 stub so that 32-bit Windows shows our message instead of a crash.
  Target amd64-unicode
!endif

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef SOURCE_DIR
  !define SOURCE_DIR "..\dist\GiamNgheo"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\GiamNgheo-Setup-${VERSION}.exe"
!endif
!ifndef ICON
  !define ICON "..\resources\icons\app.ico"
!endif

!define APP_NAME "Giảm nghèo Desktop"
!define APP_EXE "GiamNgheo.exe"
!define APP_KEY "GiamNgheoDesktop"
!define APP_MUTEX "GiamNgheoDesktop.Running"  ; created by the app (ui/app.py hold_running_mutex)
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_KEY}"
!define INSTALL_KEY "Software\${APP_KEY}"  ; also the parent of the app's settings: never deleted whole

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
ManifestSupportedOS all
InstallDir "$LOCALAPPDATA\Programs\${APP_KEY}"
InstallDirRegKey HKCU "${INSTALL_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1066 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1066 "FileDescription" "Cài đặt ${APP_NAME}"
VIAddVersionKey /LANG=1066 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1066 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1066 "LegalCopyright" "Phần mềm miễn phí cho cán bộ xã (giấy phép MIT)"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "WinVer.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP_NAME} ngay"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_UNPAGE_FINISH

!insertmacro MUI_LANGUAGE "Vietnamese"

; -- checks shared by the installer and the uninstaller --------------------------------------------

!macro REQUIRE_SUPPORTED_WINDOWS
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "${APP_NAME} cần Windows 10 hoặc Windows 11 bản 64-bit.$\r$\n$\r$\nMáy này đang chạy Windows cũ hơn hoặc bản 32-bit nên chương trình không chạy được. Không có gì được cài đặt." /SD IDOK
    SetErrorLevel 3
    Quit
  ${EndIf}
!macroend

; Loops while the app's named mutex exists: "close the app and retry", or give up (exit 4).
!macro REQUIRE_APP_CLOSED WHAT
  ${Do}
    System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${APP_MUTEX}") p .r0'
    ${If} $0 P= 0
      ${Break}
    ${EndIf}
    System::Call 'kernel32::CloseHandle(p r0)'
    ${IfNot} ${Cmd} `MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME} đang mở trên máy này.$\r$\n$\r$\nHãy đóng chương trình (các cửa sổ ${APP_NAME}) rồi bấm Thử lại để ${WHAT}. Dữ liệu của xã không bị ảnh hưởng." /SD IDCANCEL IDRETRY`
      SetErrorLevel 4
      Quit
    ${EndIf}
  ${Loop}
!macroend

Var OldVersion

Function .onInit
  !insertmacro REQUIRE_SUPPORTED_WINDOWS
  !insertmacro REQUIRE_APP_CLOSED "tiếp tục cài đặt"

  ReadRegStr $OldVersion HKCU "${UNINSTALL_KEY}" "DisplayVersion"
  ${If} $OldVersion != ""
    ${VersionCompare} "$OldVersion" "${VERSION}" $1  ; 1 = the installed one is newer
    ${If} $1 == 1
      ${GetParameters} $2
      ClearErrors
      ${GetOptions} "$2" "/ALLOWDOWNGRADE" $3
      ${If} ${Errors}
        ${IfNot} ${Cmd} `MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "Máy này đang có ${APP_NAME} phiên bản $OldVersion, MỚI HƠN bản ${VERSION} sắp cài.$\r$\n$\r$\nTệp dữ liệu đã dùng với bản mới có thể không mở được bằng bản cũ. Chỉ nên cài bản cũ khi cán bộ kỹ thuật yêu cầu.$\r$\n$\r$\nVẫn cài bản cũ hơn ${VERSION}?" /SD IDNO IDYES`
          SetErrorLevel 5
          Quit
        ${EndIf}
      ${EndIf}
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "${APP_NAME}" SecMain
  SectionIn RO
  ; Checked again here: the app may have been started while the pages were shown.
  !insertmacro REQUIRE_APP_CLOSED "tiếp tục cài đặt"
  SetOutPath "$INSTDIR"
  ; Remove the older version's program files first (the user's data lives elsewhere). If any of
  ; them cannot be removed (still in use), stop before copying: never a mix of two versions.
  ${If} ${FileExists} "$INSTDIR\${APP_EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${APP_EXE}" a
    ${If} ${Errors}
      Goto files_in_use
    ${EndIf}
    FileClose $0
  ${EndIf}
  ClearErrors
  Delete "$INSTDIR\${APP_EXE}"
  RMDir /r "$INSTDIR\_internal"
  ${If} ${Errors}
  ${OrIf} ${FileExists} "$INSTDIR\_internal\*.*"
  ${OrIf} ${FileExists} "$INSTDIR\${APP_EXE}"
    Goto files_in_use
  ${EndIf}

  File /r "${SOURCE_DIR}\*.*"

  WriteUninstaller "$INSTDIR\Uninstall.exe"
  WriteRegStr HKCU "${INSTALL_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\Xã mẫu (dùng thử).lnk" "$INSTDIR\${APP_EXE}" "--demo"
  ${If} ${FileExists} "$INSTDIR\_internal\docs\huong-dan-su-dung.pdf"
    CreateShortcut "$SMPROGRAMS\${APP_NAME}\Hướng dẫn sử dụng.lnk" "$INSTDIR\_internal\docs\huong-dan-su-dung.pdf"
  ${EndIf}
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\Gỡ cài đặt ${APP_NAME}.lnk" "$INSTDIR\Uninstall.exe"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}"
  Return

files_in_use:
  MessageBox MB_OK|MB_ICONSTOP "Không gỡ được các tệp chương trình cũ trong $INSTDIR (đang được dùng).$\r$\n$\r$\nHãy đóng ${APP_NAME}, khởi động lại máy nếu cần, rồi chạy lại bộ cài. Dữ liệu của xã không bị ảnh hưởng." /SD IDOK
  SetErrorLevel 6
  Quit
SectionEnd

Function un.onInit
  !insertmacro REQUIRE_APP_CLOSED "gỡ cài đặt"
FunctionEnd

Section "Uninstall"
  ; Only the program files. The data folder (%APPDATA%\GiamNgheoDesktop) and the app's settings
  ; (HKCU\Software\GiamNgheoDesktop\giamngheo-desktop) are kept on purpose: they hold the commune's
  ; register, its backups and reports, and the officer's window layout.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  RMDir /r "$SMPROGRAMS\${APP_NAME}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegValue HKCU "${INSTALL_KEY}" "InstallDir"
  DeleteRegKey /ifempty HKCU "${INSTALL_KEY}"
  MessageBox MB_OK|MB_ICONINFORMATION "Đã gỡ chương trình. Dữ liệu của xã vẫn được giữ nguyên trong thư mục $APPDATA\${APP_KEY}." /SD IDOK
SectionEnd
