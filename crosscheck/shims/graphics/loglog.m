function loglog(varargin)
% loglog(...): headless stand-in for Octave's loglog (crosscheck shim, ours): does nothing.
% octave-cli without a graphics toolkit errors in loglog; the course's files call it.
end
